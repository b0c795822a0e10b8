"""DRF's token authentication, remembering token → user for a minute in the shared cache.

Websites and partners post leads many times a second with the same token; looking the token and its user up
in the database was a tenth of the intake's work. Deleting or replacing a token and saving its user (blocking
an employee sets is_active) drop the entry at once (signals below), so a revoked token stops working on the
next request, in every process. Keys hold a hash of the token, never the token itself.
"""

from __future__ import annotations

import hashlib
from functools import partial

from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .cache import drop_now_and_after_commit

TTL = 60


def _key(token_key: str) -> str:
    return "api:token:" + hashlib.sha256(token_key.encode()).hexdigest()[:32]


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user = cache.get(_key(key))
        if user is not None and user.is_active:
            return user, Token(key=key, user=user)
        user, token = super().authenticate_credentials(key)  # raises AuthenticationFailed as DRF does
        cache.set(_key(key), user, TTL)
        return user, token


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
