"""The outbox of messages: rows written in the caller's transaction, sent by `send_queued`.

Each message goes through three short steps, each its own transaction:
1. claim — lock one due row (SELECT … FOR UPDATE SKIP LOCKED: parallel workers share the queue), check its
   channel's rate limit under the channel's row lock, mark it "sending" with the moment and the attempt, commit;
2. call the provider (no transaction, no lock held);
3. record the answer under the row's lock: sent/delivered, failed for good, or queued again with a backoff.

A worker killed between 1 and 3 leaves at most one row (its current one) "sending", and no row is ever sent
before it is marked: nothing queued is lost (the next run takes it) and nothing is sent twice by two workers.
The one window no outbox can close is a worker killed *after the provider accepted the message and before the
answer was stored* (or a request whose answer was lost: a read timeout, a dropped connection). Such a row stays
"sending"; once it is older than STALE_AFTER it is checked, never blindly sent again:
- a provider that keeps our own id (SMSC.ru: we pass the message's id; the console) is asked by that id: found →
  recorded as sent/delivered, not found → queued again;
- a provider that takes no id of ours (SMS.ru, e-mail) cannot be asked: the row is marked failed with the reason
  "unknown_result" for a person to check in the provider's log and retry by hand. Doubling a message is
  never automatic; the price is that such a message may wait for a person.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core import events

from .channels import adapter_for
from .channels.base import DELIVERED, FAILED, NOT_FOUND, RETRY, SENT, SendResult
from .models import Channel, Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 2, 4, 8, 16)
STALE_AFTER = datetime.timedelta(minutes=10)  # far above any HTTP timeout: a live worker's row is never taken
RATE_WINDOW = datetime.timedelta(minutes=1)
RATE_SLICE = 20
MAX_PER_RUN = 1000
SEND_DELAY = 0.2
NO_STATUS = ("console", "email", "telegram")  # providers that report no delivery: their messages stay "sent"

_lock = threading.Lock()
_send_due = 0.0


def _eager() -> bool:
    from legal_crm import celery_app

    return bool(celery_app.conf.task_always_eager)


def request_send(messages: int = 1) -> None:
    """After a commit that queued messages: send them now (eager) or ask a worker, once per SEND_DELAY. A bulk of
    `messages` (a campaign's batch) asks up to SEND_PARALLEL workers at once: they share the queue (SKIP LOCKED)."""
    global _send_due
    if _eager():
        send_queued()
        return
    now = time.monotonic()
    with _lock:
        if now < _send_due and messages <= 1:
            return
        _send_due = now + SEND_DELAY
    from .jobs import send_queued_task

    tasks = max(1, min(send_parallel(), -(-messages // MAX_PER_RUN)))
    try:
        for _n in range(tasks):
            send_queued_task.apply_async(countdown=SEND_DELAY)
    except Exception:
        logger.exception("could not request the messages job; the scheduled run sends them")
        with _lock:
            _send_due = 0.0


def send_parallel() -> int:
    from django.conf import settings

    return int(getattr(settings, "MESSAGING_SEND_PARALLEL", 2))


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1])


def send_queued(*, now: datetime.datetime | None = None, max_messages: int = MAX_PER_RUN) -> dict:
    """Check stale "sending" rows, then send due messages one by one. Safe to run in parallel and twice."""
    clock = (lambda: now) if now is not None else timezone.now
    counts = {"checked": reclaim_stale(now=clock()), "sent": 0, "failed": 0, "retry": 0}
    full: set[int] = set()  # channels at their rate limit in this run
    budgets: dict[int, int] = {}  # channel → sends left of the room last counted
    channels: dict[int, Channel] = {}
    for _n in range(max_messages):
        claimed = _claim(clock(), full, budgets, channels)
        if claimed is None:
            break
        message, adapter = claimed
        try:
            result = adapter.send(message)
        except Exception as exc:  # a bug in an adapter: keep the message, retry later, log loudly
            logger.exception("adapter %s failed on message %s", message.provider, message.pk)
            result = SendResult(status=RETRY, error_code="adapter_error", error_text=str(exc)[:500])
        outcome = _record(message.pk, result, clock())
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _due(now):
    from django.db.models import Q

    return Message.objects.filter(status=Message.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


@transaction.atomic
def _claim(now, full: set[int], budgets: dict[int, int], channels: dict[int, Channel]):
    """Lock the next due message and mark it "sending". A channel's rate is counted under its row lock, and the
    room found is used RATE_SLICE messages at a time before counting again (a COUNT per message over a busy
    minute cost more than the send): parallel workers may overshoot the limit by at most their slices."""
    qs = _due(now).exclude(channel_id__in=full) if full else _due(now)
    message = qs.select_for_update(skip_locked=True).order_by("id").first()
    while message is not None and message.channel_id:
        left = budgets.get(message.channel_id, 0)
        if left <= 0:
            channel = Channel.objects.select_for_update().get(pk=message.channel_id)
            channels[channel.pk] = channel
            used = Message.objects.filter(channel_id=channel.pk, sending_started_at__gt=now - RATE_WINDOW).count()
            left = min(channel.rate_per_minute - used, RATE_SLICE)
        if left > 0:
            budgets[message.channel_id] = left - 1
            message.channel = channels[message.channel_id]
            break
        budgets.pop(message.channel_id, None)
        full.add(message.channel_id)  # the rest of this channel waits for the next run
        message = _due(now).exclude(channel_id__in=full).select_for_update(skip_locked=True).order_by("id").first()
    if message is None:
        return None
    message.status = Message.Status.SENDING
    message.sending_started_at = now
    message.attempts += 1
    message.save(update_fields=["status", "sending_started_at", "attempts"])
    return message, adapter_for(message.provider, message.channel)


def _emit(message: Message) -> None:
    events.emit("messaging.message_status_changed", message_id=message.pk, status=message.status,
                subject_type=message.subject_type, subject_id=message.subject_id,
                error_text=message.error_text)


@transaction.atomic
def _record(message_id: int, result: SendResult, now) -> str:
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.status != Message.Status.SENDING:
        return "skipped"  # someone else recorded it (cannot happen with the row marked, but never overwrite)
    fields = ["status", "error_code", "error_text"]
    message.error_code, message.error_text = result.error_code[:50], result.error_text[:500]
    if result.status in (SENT, DELIVERED):
        message.status = Message.Status.DELIVERED if result.status == DELIVERED else Message.Status.SENT
        message.provider_id = result.provider_id[:100]
        message.sent_at = now
        fields += ["provider_id", "sent_at"]
        if result.cost is not None:
            message.cost = result.cost
            fields.append("cost")
        if result.status == DELIVERED:
            message.finished_at = now
            fields.append("finished_at")
        outcome = "sent"
    elif result.status == RETRY and message.attempts < MAX_ATTEMPTS:
        message.status = Message.Status.QUEUED
        message.next_attempt_at = now + backoff(message.attempts)
        fields.append("next_attempt_at")
        message.save(update_fields=fields)
        return "retry"
    elif result.status in (FAILED, RETRY):
        message.status = Message.Status.FAILED
        message.finished_at = now
        fields.append("finished_at")
        outcome = "failed"
    else:  # unknown: the provider may have it — left "sending" for reclaim_stale to check
        message.save(update_fields=["error_code", "error_text"])
        return "unknown"
    message.save(update_fields=fields)
    _emit(message)
    return outcome


def reclaim_stale(*, now=None) -> int:
    """Rows left "sending" longer than STALE_AFTER (a killed worker, an answer lost): look them up, never resend
    blindly (see the module's docstring)."""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            message = (Message.objects.filter(status=Message.Status.SENDING, sending_started_at__lt=now - STALE_AFTER)
                       .select_for_update(skip_locked=True).order_by("id").first())
            if message is None:
                return done
            message.sending_started_at = now  # ours for the check; a crash here only delays it by STALE_AFTER
            message.save(update_fields=["sending_started_at"])
        done += 1
        adapter = adapter_for(message.provider, message.channel)
        if not adapter.can_lookup:
            result = SendResult(status=FAILED, error_code="unknown_result", error_text=_(
                "Неизвестно, принял ли провайдер сообщение (ответ не получен). Повторно не отправлено, чтобы не "
                "задвоить: проверьте журнал провайдера и при необходимости повторите."))
            _record(message.pk, result, now)
            continue
        found = adapter.lookup(message)
        if found.status == NOT_FOUND:
            _requeue(message.pk, now)
        elif found.status in (SENT, DELIVERED, FAILED):
            found.provider_id = found.provider_id or str(message.pk)
            _record(message.pk, found, now)
        # retry/unknown: the provider cannot say now; the row stays "sending" and is checked again later


@transaction.atomic
def _requeue(message_id: int, now) -> None:
    message = Message.objects.select_for_update().get(pk=message_id)
    if message.status != Message.Status.SENDING:
        return
    message.status = Message.Status.QUEUED
    message.next_attempt_at = now
    message.save(update_fields=["status", "next_attempt_at"])


def poll_statuses(*, now=None, limit: int = 500) -> int:
    """Ask providers what became of sent messages (delivered / failed with the reason), for three days."""
    now = now or timezone.now()
    rows = list(Message.objects.filter(status=Message.Status.SENT, sent_at__gte=now - datetime.timedelta(days=3))
                .exclude(provider_id="").exclude(provider__in=NO_STATUS).select_related("channel")
                .order_by("sent_at")[:limit])
    return sum(_check_status(message, now) for message in rows)


def check_statuses(channel: Channel, provider_ids: list[str], *, now=None) -> int:
    """A provider says these messages changed (its delivery callback): ask it, and record only what it answers —
    a forged or replayed callback changes nothing the provider itself would not confirm."""
    now = now or timezone.now()
    rows = Message.objects.filter(channel=channel, status=Message.Status.SENT, provider_id__in=provider_ids[:100])
    return sum(_check_status(message, now) for message in rows.select_related("channel"))


def _check_status(message: Message, now) -> int:
    result = adapter_for(message.provider, message.channel).status(message.provider_id, message)
    if result.status not in (DELIVERED, FAILED):
        return 0
    with transaction.atomic():
        row = Message.objects.select_for_update().get(pk=message.pk)
        if row.status != Message.Status.SENT:
            return 0
        row.status = Message.Status.DELIVERED if result.status == DELIVERED else Message.Status.FAILED
        row.finished_at = now
        row.error_code, row.error_text = result.error_code[:50], result.error_text[:500]
        row.save(update_fields=["status", "finished_at", "error_code", "error_text"])
        _emit(row)
    return 1
