"""Handlers of org events (declared in hooks.DOC_EVENTS)."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_sessions_of_blocked(*, user_id: int) -> int:
    """Delete the sessions of a blocked user that the database holds (db and cached_db sessions — production's; the
    cached copy goes with it through the session store).

    Cache-only sessions are not stored by user, and need not be: Django's auth backend refuses an inactive user
    on every request, so those sessions are dead anyway.
    """
    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return 0
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store_class(session.session_key).delete()
            ended += 1
    return ended


def revoke_tokens_of_blocked(*, user_id: int) -> int:
    """Delete a blocked user's API tokens: refused while blocked anyway, they must not work again after an
    unblock (a new token is issued then)."""
    from legal_crm.core.token_auth import revoke_tokens

    return revoke_tokens(user_id)
