"""Services that change who may do what. Only administrators may call them successfully.

Every change is written to the audit log of the user it concerns (who, when, before → after), and
the employee page shows that log.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit
from .auth_backends import forget_permissions
from .errors import DomainError
from .events import emit
from .models import PermissionOverride, User

ADMINISTRATORS_GROUP = "Администраторы"


def perm_label(perm: Permission) -> str:
    return f"{perm.content_type.app_label}.{perm.codename}"


def is_administrator(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS_GROUP).exists()


def ensure_administrator(actor) -> None:
    if not is_administrator(actor):
        raise DomainError("access_denied", _("Изменять доступ могут только администраторы."))


def _overrides_snapshot(user: User) -> dict[str, bool]:
    rows = PermissionOverride.objects.filter(user=user).select_related("permission__content_type")
    return {perm_label(o.permission): o.granted for o in rows}


@transaction.atomic
def user_groups_set(*, actor, user: User, groups) -> None:
    ensure_administrator(actor)
    user_groups_apply(actor=actor, user=user, groups=groups)


@transaction.atomic
def user_groups_apply(*, actor, user: User, groups) -> None:
    """Set the user's groups, with the history and the access event, for a caller whose choice of groups an
    administrator already made (a position's default group on hiring); everybody else goes through
    user_groups_set, which asks for an administrator."""
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(groups)
    after = sorted(user.groups.values_list("name", flat=True))
    if before != after:
        audit(actor=actor, action="access.groups", obj=user, before=before, after=after)
        emit("core.access_changed", user_id=user.pk)
    forget_permissions(user)


@transaction.atomic
def _overrides_changed(actor, user: User, before: dict) -> None:
    """After personal settings were written: audit and announce a real change, drop the cached permissions."""
    after = _overrides_snapshot(user)
    if before != after:
        audit(actor=actor, action="access.overrides", obj=user, before=before, after=after)
        emit("core.access_changed", user_id=user.pk)
    forget_permissions(user)


def permission_override_set(*, actor, user: User, permission: Permission, granted: bool | None) -> None:
    """granted=True grants, False revokes, None removes the personal setting (groups decide)."""
    permission_overrides_apply(actor=actor, user=user, changes={permission: granted})


def group_permissions_set(*, actor, group: Group, permissions) -> tuple[list[str], list[str]]:
    ensure_administrator(actor)
    return group_permissions_apply(actor=actor, group=group, permissions=permissions)


@transaction.atomic
def group_permissions_apply(*, actor, group: Group, permissions) -> tuple[list[str], list[str]]:
    """group_permissions_set without the administrator check: for the sync of the shipped roles after an update
    (core.access_sync, actor None — «Система» in the history). Returns the group's rights before and after, as the
    history names them."""
    before = sorted(perm_label(p) for p in group.permissions.select_related("content_type"))
    group.permissions.set(permissions)
    after = sorted(perm_label(p) for p in group.permissions.select_related("content_type"))
    if before != after:
        audit(actor=actor, action="access.group_permissions", obj=group, before=before, after=after)
        # Each member's history shows that their access changed through the group.
        for member in group.user_set.all():
            audit(actor=actor, action="access.group_permissions", obj=member,
                  before={group.name: before}, after={group.name: after})
            emit("core.access_changed", user_id=member.pk)
    return before, after


@transaction.atomic
def permission_overrides_apply(*, actor, user: User, changes: dict[Permission, bool | None]) -> None:
    """Change only the given personal settings (the access matrix saves this way): True grants, False revokes,
    None removes the setting so the groups decide. One audit row for the whole change."""
    ensure_administrator(actor)
    before = _overrides_snapshot(user)
    existing = dict(PermissionOverride.objects.filter(user=user, permission__in=list(changes))
                    .values_list("permission_id", "granted"))
    for permission, granted in changes.items():
        if granted is None:
            if permission.pk in existing:
                PermissionOverride.objects.filter(user=user, permission=permission).delete()
        elif existing.get(permission.pk) is not granted:
            PermissionOverride.objects.update_or_create(user=user, permission=permission,
                                                        defaults={"granted": granted})
    _overrides_changed(actor, user, before)


@transaction.atomic
def group_permissions_set_within(*, actor, group: Group, permissions, within) -> tuple[list[str], list[str]]:
    """Make the group's permissions among `within` (the matrix's cells) exactly `permissions`; the group's
    permissions outside `within` (technical models) stay as they are. Returns the rights before and after."""
    ensure_administrator(actor)
    within_ids = {p.pk for p in within}
    kept = [p for p in group.permissions.all() if p.pk not in within_ids]
    return group_permissions_set(actor=actor, group=group, permissions=[*kept, *[p for p in permissions if p.pk in within_ids]])
