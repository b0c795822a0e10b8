"""Writes of staff notifications: `notify` and `notify_many` (called by higher modules' handlers and jobs) and
reading them.

`notify` writes a Notification per person who has the kind on, at once, and queues the Telegram / e-mail copies
through the outbox (`message_queue`) in the caller's transaction. Quiet hours hold only the external copies: the
message row waits (`next_attempt_at`) until the quiet period ends in the employee's own time zone.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.absolute_links import absolute_url
from legal_crm.core.errors import DomainError
from legal_crm.org.time_zone import employee_zone

from ..models import Kind, Method, Notification, TelegramLink
from . import counter, policy
from .kinds import all_kinds

logger = logging.getLogger(__name__)

SUBJECT = "messaging.notification"  # the outbox rows' subject: a notification's copy, never a lead's message


@dataclass(frozen=True)
class Note:
    """One person's notification in `notify_many`: a user (or id), the words and link, the record it is about."""

    user: object
    title: str
    text: str = ""
    link: str = ""
    subject: tuple | None = None


def _users(ids) -> dict:
    """id → active user (with the main office, for the time zone and the copies' channel), one query."""
    User = get_user_model()
    return {u.pk: u for u in User.objects.filter(pk__in=list(ids), is_active=True)
            .select_related("employee__main_office")}


def external_text(title: str, text: str, link: str) -> str:
    parts = [title, text]
    if link:  # the in-app row keeps the desk's path; a copy that leaves the desk needs the whole address
        parts.append(absolute_url(link, base=getattr(settings, "DESK_URL", "")))
    return "\n".join(p for p in parts if p)


@transaction.atomic
def notify(*, users, kind: str, title: str, text: str, link: str = "", subject: tuple | None = None,
           once: bool = False) -> list[Notification]:
    """Tell these people (users or ids) about something of `kind`; returns the rows written.

    `subject` ("leads.lead", 42) names the record; with `once=True` a person already told of this kind about that
    record is not told again (jobs that run every minute, retried handlers)."""
    ids = list(dict.fromkeys(getattr(u, "pk", u) for u in users or () if u is not None))
    return notify_many(kind=kind, notes=[Note(pk, title, text, link, subject) for pk in ids], once=once)


@transaction.atomic
def notify_many(*, kind: str, notes, once: bool = False) -> list[Notification]:
    """`notify` for many people at once, each with their own words and record: the same rows as calling
    `notify(users=[note.user], …)` note by note (kinds on/off, methods, quiet hours, "once", Telegram and e-mail
    copies, the bell's counters), in a number of queries that does not grow with the people (event handlers and
    jobs that tell thousands — the daily violations — wrote two rows a person)."""
    if kind not in all_kinds():
        raise DomainError("unknown_kind", _("Неизвестный вид уведомления: %(k)s") % {"k": kind})
    notes = [note for note in notes if note.user is not None]
    people = _users({getattr(n.user, "pk", n.user) for n in notes})
    notes = [(people[getattr(n.user, "pk", n.user)], n) for n in notes if getattr(n.user, "pk", n.user) in people]
    if not notes:
        return []
    told = _already_told(kind, notes) if once else set()
    methods = policy.effective_methods(list({u.pk: u for u, _n in notes}.values()), kind)
    now = timezone.now()
    rows, externals = [], []
    for user, note in notes:
        chosen = methods[user.pk]
        subject_type, subject_id = (note.subject[0], str(note.subject[1])) if note.subject else ("", "")
        if not chosen or (once and note.subject and (user.pk, subject_type, subject_id) in told):
            continue
        if once and note.subject:
            told.add((user.pk, subject_type, subject_id))  # a second note of the batch about it is not sent
        # Without the in-app method the row is still the record (digest, "once"), but the bell does not show it.
        rows.append(Notification(
            user=user, kind=kind, title=note.title[:200], text=note.text, link=note.link[:500],
            subject_type=subject_type, subject_id=subject_id, read_at=None if Method.IN_APP in chosen else now))
        externals.append(chosen & {Method.TELEGRAM, Method.EMAIL})
    written = _insert(rows)
    _send_copies_many([(row.user, row, external) for row, external in zip(written, externals, strict=True)
                       if external], now)
    counter.added([n.user_id for n in written if n.read_at is None])
    return written


def _already_told(kind: str, notes) -> set[tuple]:
    """(user id, subject type, subject id) of the notes' people already told of this kind — one query."""
    subjects = {(n.subject[0], str(n.subject[1])) for _u, n in notes if n.subject}
    if not subjects:
        return set()
    rows = Notification.objects.filter(kind=kind, user_id__in={u.pk for u, _n in notes},
                                       subject_type__in={t for t, _i in subjects},
                                       subject_id__in={i for _t, i in subjects})
    return {row for row in rows.values_list("user_id", "subject_type", "subject_id")
            if (row[1], row[2]) in subjects}


def _insert(rows: list[Notification]) -> list[Notification]:
    """Multi-row inserts that give back the ids (the copies name their notification); one by one where the
    database cannot return them (MySQL)."""
    if not rows:
        return []
    if connection.features.can_return_rows_from_bulk_insert:
        return Notification.objects.bulk_create(rows, batch_size=1000)
    for row in rows:
        row.save(force_insert=True)
    return rows


def _send_copies(user, note: Notification, methods: set[str], now, *, text: str | None = None) -> int:
    """Queue the Telegram / e-mail copies the person can receive; held through their quiet hours."""
    return _send_copies_many([(user, note, methods)], now, text=text)


def _send_copies_many(items, now, *, text: str | None = None) -> int:
    """Queue the Telegram / e-mail copies of many notifications ((user, note, methods) each): the people's
    Telegram chats and quiet hours read once, the copies written by the outbox's bulk insert, one per channel and
    hold-until time. A bad address on a card skips that copy (logged), never the others."""
    from ..services import message_queue_many, normalize_address

    if not items:
        return 0
    user_ids = {user.pk for user, _note, _m in items}
    chats = (dict(TelegramLink.objects.filter(user_id__in=user_ids).values_list("user_id", "chat_id"))
             if any(Method.TELEGRAM in m for _u, _n, m in items) else {})
    schedules = policy.schedules_for(user_ids)
    batches: dict[tuple, list] = defaultdict(list)
    for user, note, methods in items:
        employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
        office_id = getattr(employee, "main_office_id", None)
        held = policy.quiet_until(schedules.get(user.pk), employee_zone(user), now)
        body = text or external_text(note.title, note.text, note.link)
        targets = []
        if Method.TELEGRAM in methods and user.pk in chats:
            targets.append((Kind.TELEGRAM, chats[user.pk]))
        if Method.EMAIL in methods and user.email:
            targets.append((Kind.EMAIL, user.email))
        for channel_kind, to in targets:
            try:
                address = normalize_address(channel_kind, to)
            except DomainError as exc:  # a bad address on a card never stops the in-app notification
                logger.warning("notification %s: no %s copy for user %s: %s", note.pk, channel_kind, user.pk, exc)
                continue
            batches[(channel_kind, held)].append((address, body, office_id, note.pk))
    queued = 0
    for (channel_kind, held), rows in batches.items():
        queued += len(message_queue_many(actor_or_none=None, channel_kind=channel_kind, items=rows,
                                         subject_type=SUBJECT, normalized=True, not_before=held))
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
