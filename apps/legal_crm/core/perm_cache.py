"""Effective permissions kept in the shared cache, so a request does not recompute them (three queries).

One generation number covers everybody's access: any change of groups, group permissions, personal
overrides or users bumps it (signals below, connected in CoreConfig.ready), and a cached set from an older
generation is ignored. The bump is repeated after commit (core.cache.drop_now_and_after_commit).
"""

from __future__ import annotations

from django.core.cache import cache

from .cache import drop_now_and_after_commit

GENERATION_KEY = "access:generation"
TTL = 3600


def _key(user_id: int) -> str:
    return f"access:perms:{user_id}"


def cached_permissions(user, compute) -> set[str]:
    values = cache.get_many([GENERATION_KEY, _key(user.pk)])
    generation = values.get(GENERATION_KEY) or 0
    entry = values.get(_key(user.pk))
    if entry is not None and entry[0] == generation:
        return set(entry[1])
    perms = compute()
    cache.set(_key(user.pk), (generation, sorted(perms)), TTL)
    return perms


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def bump_generation() -> None:
    drop_now_and_after_commit(_bump)


def access_changed(sender, **kwargs) -> None:
    """Signal receiver: anything that can change somebody's permissions."""
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires pre_ and post_; one is enough
        return
    if kwargs.get("raw"):  # fixtures loading
        return
    if sender is _user_model() and kwargs.get("created") is False:
        return  # a user's own fields (last login, name) do not change permissions; a new user may reuse a pk
    bump_generation()


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def connect() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import PermissionOverride

    user_model = _user_model()
    m2m_changed.connect(access_changed, sender=user_model.groups.through, dispatch_uid="access-user-groups")
    m2m_changed.connect(access_changed, sender=user_model.user_permissions.through,
                        dispatch_uid="access-user-perms")
    m2m_changed.connect(access_changed, sender=Group.permissions.through, dispatch_uid="access-group-perms")
    for model in (PermissionOverride, Group, Permission, user_model):
        post_save.connect(access_changed, sender=model, dispatch_uid=f"access-save-{model.__name__}")
        post_delete.connect(access_changed, sender=model, dispatch_uid=f"access-delete-{model.__name__}")
