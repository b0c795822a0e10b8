"""Reads of notifications: a person sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def bell(user, *, latest: int = 8) -> dict:
    """The bell's JSON: the unread count (the cached counter) and the latest unread rows."""
    from django.utils import timezone

    from .counter import unread_count

    rows = (notifications_of(user).filter(read_at__isnull=True).order_by("-created_at", "-id")
            .values("id", "title", "text", "link", "created_at")[:latest])
    return {"unread": unread_count(user), "items": [
        {"id": r["id"], "title": r["title"], "text": r["text"][:300], "link": r["link"],
         "at": timezone.localtime(r["created_at"]).strftime("%d.%m.%Y %H:%M")} for r in rows]}
