"""DRF's token authentication, remembering token → user and the user's permissions for a minute in the shared cache.

Websites and partners post leads many times a second with the same token; looking the token and its user up
in the database was a tenth of the intake's work. Deleting or replacing a token and saving its user (blocking
an employee sets is_active) drop the entry at once (signals below), so a revoked token stops working on the
next request, in every process. Keys hold a hash of the token, never the token itself.

The entry also carries the user's effective permissions with the access generation they were computed at
(core.perm_cache); token and generation are read in one round trip, and the permissions are used only while
the generation is unchanged — any change of anybody's access falls back to the permissions cache.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache, partial

from django.core.cache import cache
from drf_spectacular import authentication as spectacular_auth
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication as DRFSessionAuthentication
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from . import perm_cache
from .auth_backends import forget_permissions, remember_permissions
from .cache import drop_now_and_after_commit

TTL = 60


@lru_cache(maxsize=256)
def _key(token_key: str) -> str:
    # Not the name the earlier user-only entry had: processes of both versions may share the cache while deploying.
    # Remembered: the same few tokens (websites, partners) post many times a second.
    return "api:token-perms:" + hashlib.sha256(token_key.encode()).hexdigest()[:32]


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        values = cache.get_many([_key(key), perm_cache.GENERATION_KEY])
        generation = values.get(perm_cache.GENERATION_KEY) or 0
        entry = values.get(_key(key))
        if entry is not None and entry[0].is_active:
            user, perms_generation, perms = entry
            if perms_generation == generation:
                remember_permissions(user, perms)
            return user, Token(key=key, user=user)
        user, token = super().authenticate_credentials(key)  # raises AuthenticationFailed as DRF does
        # Read at the generation seen before computing: a change meanwhile makes the entry's permissions unused.
        perms = sorted(user.get_all_permissions())
        forget_permissions(user)  # the pickled user must not carry them past a change
        cache.set(_key(key), (user, generation, perms), TTL)
        remember_permissions(user, perms)
        return user, token


class SessionAuthentication(DRFSessionAuthentication):
    """The desk's session for the API; a failed CSRF check says so (code csrf_failed), not «no rights»."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            from .error_views import csrf_message

            raise exceptions.PermissionDenied(exceptions.ErrorDetail(csrf_message(), code="csrf_failed")) from exc


class SessionScheme(spectacular_auth.SessionScheme):
    """The OpenAPI description of the session above: DRF's session (a cookie), as for DRF's own class."""

    target_class = SessionAuthentication


def revoke_tokens(user_id: int) -> int:
    """Delete the user's API tokens (blocked, or their password changed): the cached entries go with them
    (forget_token below), so the next request with an old token is a 401 in every process."""
    deleted, _rows = Token.objects.filter(user_id=user_id).delete()
    return deleted


def _forget(token_key: str) -> None:
    drop_now_and_after_commit(partial(cache.delete, _key(token_key)))


def forget_token(sender, instance, **kwargs) -> None:
    _forget(instance.key)


def forget_users_token(sender, instance, **kwargs) -> None:
    for key in Token.objects.filter(user_id=instance.pk).values_list("key", flat=True):
        _forget(key)


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    post_save.connect(forget_token, sender=Token, dispatch_uid="token-auth-save")
    post_delete.connect(forget_token, sender=Token, dispatch_uid="token-auth-delete")
    post_save.connect(forget_users_token, sender=get_user_model(), dispatch_uid="token-auth-user-save")
