"""Display names of users by id, kept in the process for a minute.

The intake's answer says whom the new lead went to; loading that user's row on every lead cost a query, while a
handful of operators take thousands of leads an hour. A renamed employee shows the new name within TTL seconds.
"""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model

TTL = 60.0
_names: dict[int, tuple[str | None, float]] = {}


def display_name(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    now = time.monotonic()
    hit = _names.get(user_id)
    if hit is not None and now - hit[1] < TTL:
        return hit[0]
    user = get_user_model().objects.filter(pk=user_id).first()
    name = str(user) if user is not None else None
    _names[user_id] = (name, now)
    return name


def forget(sender, instance, **kwargs) -> None:
    # This process sees a rename at once (others within TTL); a new user reusing an id never shows the old name.
    _names.pop(instance.pk, None)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(forget, sender=get_user_model(), dispatch_uid="user-names-save")
    post_delete.connect(forget, sender=get_user_model(), dispatch_uid="user-names-delete")
