"""Writes of staff notifications: `notify` (called by higher modules' handlers and jobs) and reading them.

`notify` writes a Notification per person who has the kind on, at once, and queues the Telegram / e-mail copies
through the outbox (`message_queue`) in the caller's transaction. Quiet hours hold only the external copies: the
message row waits (`next_attempt_at`) until the quiet period ends in the employee's own time zone.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.org.time_zone import employee_zone

from ..models import Kind, Method, Notification
from . import counter, policy
from .kinds import all_kinds

logger = logging.getLogger(__name__)

SUBJECT = "messaging.notification"  # the outbox rows' subject: a notification's copy, never a lead's message


def _users(users) -> list:
    User = get_user_model()
    ids, objs = [], {}
    for u in users or ():
        if u is None:
            continue
        pk = getattr(u, "pk", u)
        if pk not in objs:
            ids.append(pk)
            objs[pk] = u
    rows = User.objects.filter(pk__in=ids, is_active=True).select_related("employee__main_office")
    return list(rows)


def external_text(title: str, text: str, link: str) -> str:
    parts = [title, text]
    if link:
        base = getattr(settings, "DESK_URL", "").rstrip("/")
        parts.append(f"{base}{link}" if link.startswith("/") else link)
    return "\n".join(p for p in parts if p)


@transaction.atomic
def notify(*, users, kind: str, title: str, text: str, link: str = "", subject: tuple | None = None,
           once: bool = False) -> list[Notification]:
    """Tell these people (users or ids) about something of `kind`; returns the rows written.

    `subject` ("leads.lead", 42) names the record; with `once=True` a person already told of this kind about that
    record is not told again (jobs that run every minute, retried handlers)."""
    if kind not in all_kinds():
        raise DomainError("unknown_kind", _("Неизвестный вид уведомления: %(k)s") % {"k": kind})
    people = _users(users)
    subject_type, subject_id = (subject[0], str(subject[1])) if subject else ("", "")
    if once and subject and people:
        told = set(Notification.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id,
                                               user_id__in=[u.pk for u in people]).values_list("user_id", flat=True))
        people = [u for u in people if u.pk not in told]
    if not people:
        return []
    methods = policy.effective_methods(people, kind)
    now = timezone.now()
    written = []
    for user in people:
        chosen = methods[user.pk]
        if not chosen:
            continue
        # Without the in-app method the row is still the record (digest, "once"), but the bell does not show it.
        note = Notification.objects.create(
            user=user, kind=kind, title=title[:200], text=text, link=link[:500], subject_type=subject_type,
            subject_id=subject_id, read_at=None if Method.IN_APP in chosen else now)
        written.append(note)
        external = chosen & {Method.TELEGRAM, Method.EMAIL}
        if external:
            _send_copies(user, note, external, now)
    counter.added([n.user_id for n in written if n.read_at is None])
    return written


def _send_copies(user, note: Notification, methods: set[str], now, *, text: str | None = None) -> int:
    """Queue the Telegram / e-mail copies the person can receive; held through their quiet hours."""
    from ..services import message_queue

    employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
    office = getattr(employee, "main_office", None)
    held = policy.quiet_until(policy.schedule_for(user), employee_zone(user), now)
    body = text or external_text(note.title, note.text, note.link)
    queued = 0
    targets = []
    if Method.TELEGRAM in methods:
        link = getattr(user, "telegram_link", None) if hasattr(user, "telegram_link") else None
        if link is not None:
            targets.append((Kind.TELEGRAM, link.chat_id))
    if Method.EMAIL in methods and user.email:
        targets.append((Kind.EMAIL, user.email))
    for channel_kind, to in targets:
        try:
            message_queue(actor_or_none=None, channel_kind=channel_kind, to=to, text=body, office=office,
                          subject=(SUBJECT, note.pk), not_before=held)
            queued += 1
        except DomainError as exc:  # a bad address on a card never stops the in-app notification
            logger.warning("notification %s: no %s copy for user %s: %s", note.pk, channel_kind, user.pk, exc)
    return queued


@transaction.atomic
def notifications_mark_read(*, actor, ids=None) -> int:
    """Mark the actor's own unread notifications read (these ids, or all). Nobody marks another's; reading is not
    audited (it changes nothing anybody else sees)."""
    if not getattr(actor, "is_authenticated", False):
        from legal_crm.core.guard import denied

        raise denied()
    qs = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids])
    count = qs.update(read_at=timezone.now())
    counter.taken(actor.pk, count)
    return count
