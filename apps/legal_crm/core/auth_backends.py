"""Effective permissions: groups grant, a personal override grants or revokes and wins."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from .models import PermissionOverride
from .perm_cache import cached_permissions


def _perm_name(app_label: str, codename: str) -> str:
    return f"{app_label}.{codename}"


class EffectivePermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_effective_perm_cache"):
            user_obj._effective_perm_cache = cached_permissions(user_obj, lambda: self._compute(user_obj))
        return user_obj._effective_perm_cache

    def _compute(self, user_obj) -> set[str]:
        perms = set(super().get_all_permissions(user_obj))
        rows = PermissionOverride.objects.filter(user=user_obj).values_list(
            "permission__content_type__app_label", "permission__codename", "granted"
        )
        for app_label, codename, granted in rows:
            name = _perm_name(app_label, codename)
            if granted:
                perms.add(name)
            else:
                perms.discard(name)
        return perms


def remember_permissions(user, perms) -> None:
    """Give the user object permissions already known for this request (the API token's cached entry)."""
    user._effective_perm_cache = set(perms)


def forget_permissions(user) -> None:
    """Drop the per-object caches after access changed, so the next check recomputes."""
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_effective_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def users_with_perm(perm: str, *, superusers: bool = True) -> QuerySet:
    """Active users whose effective permissions (the rule above) hold `perm`, as one query: superusers, and
    those a group, their own permissions or a personal setting grant it to, unless a personal setting revokes it.
    `superusers=False`: a superuser counts only through those grants, like anybody (lists of who takes leads).

    The query is built once per process and each caller gets a copy (`.all()`, as Django's generic views copy
    their class-level queryset): building its four subqueries took as long as compiling them, on every lead list
    (the operator filter) and lead form. The base holds no database state — the permission's key is looked up
    inside the query —, so it never goes stale."""
    base = _PERM_QUERIES.get((perm, superusers))
    if base is None:
        base = _PERM_QUERIES[perm, superusers] = _users_with_perm(perm, superusers)
    return base.all()


_PERM_QUERIES: dict[tuple[str, bool], QuerySet] = {}


def _users_with_perm(perm: str, superusers: bool) -> QuerySet:
    app_label, _dot, codename = perm.partition(".")
    User = get_user_model()
    # The permission's key inside the query (not a query of its own first): a missing permission matches no grant.
    permission = Subquery(Permission.objects.filter(content_type__app_label=app_label, codename=codename)
                          .values("pk")[:1])
    override = PermissionOverride.objects.filter(user=OuterRef("pk"), permission=permission)
    by_group = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__permissions=permission)
    by_user = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"), permission=permission)
    granted = Q(Exists(by_group)) | Q(Exists(by_user)) | Q(Exists(override.filter(granted=True)))
    effective = granted & ~Q(Exists(override.filter(granted=False)))
    return User.objects.filter(is_active=True).filter(Q(is_superuser=True) | effective if superusers else effective)
