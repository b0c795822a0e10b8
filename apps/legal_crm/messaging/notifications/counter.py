"""The bell's unread count: a cached counter per person with no expiry, dropped whenever their rows are written
or read (so it is never stale for longer than a write's transaction); a miss costs one indexed COUNT, capped."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from ..models import Notification

CAP = 100  # the bell shows «99+»: counting further would only cost time


def _key(user_id: int) -> str:
    return f"notif:unread:{user_id}"


def unread_count(user) -> int:
    key = _key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)[:CAP].count()
        cache.set(key, count, None)
    return count


def forget(user_ids) -> None:
    """Drop the counters now and again after commit (a request between the two recounts the old rows)."""
    keys = [_key(uid) for uid in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys), robust=True)
