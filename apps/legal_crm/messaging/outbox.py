"""The outbox of messages: rows written in the caller's transaction, sent by `send_queued`.

A send run works in batches; no row lock is held while anything is sent:
1. claim — one short transaction takes up to BATCH due rows (SELECT … FOR UPDATE SKIP LOCKED: parallel workers get
   disjoint batches), counts each channel's rate under the channel's row lock and stamps the rows it may send with
   the run's claim token and the moment. They stay "queued": a claim is a lease, not a send.
2. begin — right before its request leaves, a row goes "queued" → "sending" by a conditional UPDATE (our token, still
   queued), a few rows per statement: those whose requests are about to start. A row cancelled or opted out
   meanwhile no longer matches and is not sent;
3. send — the provider calls run on a small thread pool (send_threads(), over kept-alive connections), so
   the requests of a batch overlap;
4. record — the answers that came in are stored together in one transaction (conditional UPDATEs: still "sending"
   under our token) with one event row: sent/delivered, failed for good, or queued again with a backoff.

A worker killed midway leaves: its claimed rows "queued" (taken over by the next run once the claim is older than
CLAIM_LEASE — they were never sent), and the rows whose requests were in flight "sending" — at most send_threads()
of them, and never a row sent before it was marked. Nothing queued is lost and nothing is sent twice by two workers:
a row changes hands only through conditional UPDATEs, so a late worker whose lease was taken over stores nothing.
The one window no outbox can close is a request that reached the provider while its answer was never stored (the
worker killed, a read timeout, a dropped connection). Such a row stays "sending"; once it is older than STALE_AFTER
it is checked, never blindly sent again:
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
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.db import transaction
from django.db.models import Case, CharField, DecimalField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm import hooks
from legal_crm.core import events
from legal_crm.core.locks import retry_lock_conflicts

from .channels import adapter_for
from .channels.base import DELIVERED, FAILED, NOT_FOUND, RETRY, SENT, SendResult
from .models import Channel, Message

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 2, 4, 8, 16)
STALE_AFTER = datetime.timedelta(minutes=10)  # far above any HTTP timeout: a live worker's row is never taken
CLAIM_LEASE = datetime.timedelta(minutes=2)  # a claimed batch is sent in seconds; older claims are a dead worker's
RATE_WINDOW = datetime.timedelta(minutes=1)
BATCH = 200
MAX_PER_RUN = 2000
SEND_DELAY = 0.2
NO_STATUS = ("console", "email", "telegram")  # providers that report no delivery: their messages stay "sent"

_lock = threading.Lock()
_send_due = 0.0


def _eager() -> bool:
    from legal_crm import celery_app

    return bool(celery_app.conf.task_always_eager)


def request_send(messages: int = 1) -> None:
    """After a commit that queued messages: send them now (eager) or ask a worker, once per SEND_DELAY. A bulk of
    `messages` (a campaign's batch) asks up to SEND_PARALLEL workers at once: their claims take disjoint batches."""
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

    tasks = max(1, min(send_parallel(), -(-messages // BATCH)))  # each worker takes batches until none is left
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


def send_threads() -> int:
    """Requests in flight at once per worker (settings.MESSAGING_SEND_THREADS): also the most rows a killed worker
    can leave "sending"."""
    from django.conf import settings

    return max(1, int(getattr(settings, "MESSAGING_SEND_THREADS", 16)))


_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0


def _executor() -> ThreadPoolExecutor:
    """The process's send threads, kept between runs so their HTTP sessions keep their connections."""
    global _pool, _pool_size
    size = send_threads()
    with _pool_lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool, _pool_size = ThreadPoolExecutor(max_workers=size, thread_name_prefix="outbox-send"), size
        return _pool


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1])


def send_queued(*, now: datetime.datetime | None = None, max_messages: int = MAX_PER_RUN) -> dict:
    """Check stale "sending" rows, then send due messages batch by batch. Safe to run in parallel and twice."""
    clock = (lambda: now) if now is not None else timezone.now
    counts = {"checked": reclaim_stale(now=clock()), "sent": 0, "failed": 0, "retry": 0}
    full: set[int] = set()  # channels at their rate limit in this run
    left = max_messages
    while left > 0:
        token = uuid.uuid4().hex
        # two workers' claims and marks lock neighbouring index records of the queue: a deadlock rolls one back
        batch = retry_lock_conflicts(_claim, clock(), token, min(BATCH, left), full)
        if not batch:
            break
        left -= len(batch)
        for outcome in _send_batch(batch, token, clock):
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _due(now):
    return Message.objects.filter(status=Message.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).filter(
        Q(claim_token="") | Q(claimed_at__lt=now - CLAIM_LEASE))


@transaction.atomic
def _claim(now, token: str, size: int, full: set[int]) -> list[Message]:
    """Stamp up to `size` due rows with `token`, within each channel's rate: the claimed rows (with their channels),
    in order. Channels found at their limit join `full` and wait for the next run."""
    qs = _due(now).exclude(channel_id__in=full) if full else _due(now)
    candidates = list(qs.select_for_update(skip_locked=True).order_by("id").values_list("id", "channel_id")[:size])
    room: dict[int, int] = {}
    wanted: dict[int, int] = {}
    for _pk, channel_id in candidates:
        if channel_id:
            wanted[channel_id] = wanted.get(channel_id, 0) + 1
    for channel_id in sorted(wanted):  # one lock order for every worker
        channel = Channel.objects.select_for_update().only("rate_per_minute").get(pk=channel_id)
        used = Message.objects.filter(channel_id=channel_id, claimed_at__gt=now - RATE_WINDOW).count()
        room[channel_id] = max(0, channel.rate_per_minute - used)
        if room[channel_id] < wanted[channel_id]:
            full.add(channel_id)
    ids = []
    for pk, channel_id in candidates:
        if channel_id:
            if room[channel_id] <= 0:
                continue
            room[channel_id] -= 1
        ids.append(pk)
    if not ids:
        return []
    Message.objects.filter(pk__in=ids, status=Message.Status.QUEUED).update(claim_token=token, claimed_at=now)
    return list(Message.objects.filter(pk__in=ids, claim_token=token, status=Message.Status.QUEUED)
                .select_related("channel").order_by("id"))


def _begin(messages: list[Message], token: str, now) -> list[Message]:
    """Mark claimed rows "sending" just before their requests leave (autocommit: the mark is stored before any
    byte goes out); the ones no longer ours or no longer queued are dropped."""
    ids = [m.pk for m in messages]
    marked = Message.objects.filter(pk__in=ids, claim_token=token, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, sending_started_at=now, attempts=F("attempts") + 1)
    if marked != len(ids):  # cancelled, opted out, or taken over meanwhile
        still = set(Message.objects.filter(pk__in=ids, claim_token=token, status=Message.Status.SENDING,
                                           sending_started_at=now).values_list("pk", flat=True))
        messages = [m for m in messages if m.pk in still]
    for message in messages:
        message.status, message.sending_started_at = Message.Status.SENDING, now
        message.attempts += 1
    return messages


def _send_one(adapter, message: Message) -> SendResult:
    try:
        return adapter.send(message)
    except Exception as exc:  # a bug in an adapter: keep the message, retry later, log loudly
        logger.exception("adapter %s failed on message %s", message.provider, message.pk)
        return SendResult(status=RETRY, error_code="adapter_error", error_text=str(exc)[:500])


def _send_batch(batch: list[Message], token: str, clock) -> list[str]:
    """Send a claimed batch with up to send_threads() requests in flight; the outcomes, one per row sent.

    Each round is one transaction: the answers that came in are stored and the rows taking their places are marked
    "sending" — committed before those requests leave. Under load a database round trip costs milliseconds, so the
    rounds, not the rows, set the pace."""
    pool, width = _executor(), send_threads()
    adapters: dict = {}
    waiting = list(batch)
    flying: dict = {}  # future → message
    outcomes: list[str] = []
    answers: list[tuple[Message, SendResult]] = []
    while True:
        take, waiting = waiting[:width - len(flying)], waiting[width - len(flying):]
        if not answers and not take:
            break
        recorded, started = retry_lock_conflicts(_round, answers, take, token, clock())
        outcomes += recorded
        for message in started:
            key = (message.provider, message.channel_id)
            if key not in adapters:
                adapters[key] = adapter_for(message.provider, message.channel)
            flying[pool.submit(_send_one, adapters[key], message)] = message
        answers = []
        if flying:
            done, _pending = wait(list(flying), return_when=FIRST_COMPLETED)
            answers = [(flying.pop(future), future.result()) for future in done]
    return outcomes


def _round(answers: list[tuple[Message, SendResult]], take: list[Message], token: str, now):
    """One transaction: store `answers` (one event row for all), mark `take` "sending"."""
    if not answers:  # nothing to store: the mark alone, in autocommit
        return [], (_begin(take, token, now) if take else [])
    with transaction.atomic(), events.batch():
        recorded = _store_answers(answers, token, now)
        started = _begin(take, token, now) if take else []
    return recorded, started


def _emit(message: Message) -> None:
    if message.subject_type not in hooks.MESSAGE_FOLLOWED_SUBJECTS:
        return  # nobody follows these (a campaign's messages: its page counts the outbox rows)
    events.emit("messaging.message_status_changed", message_id=message.pk, status=message.status,
                subject_type=message.subject_type, subject_id=message.subject_id,
                error_text=message.error_text)


def _record_many(answers: list[tuple[Message, SendResult]], token: str, now) -> list[str]:
    """Store the answers in one transaction, with one event row for all of them."""
    with transaction.atomic(), events.batch():
        return _store_answers(answers, token, now)


def _store_answers(answers: list[tuple[Message, SendResult]], token: str, now) -> list[str]:
    """Plain acceptances (the bulk of a run) go in one UPDATE with the provider's ids and costs per row; anything
    else row by row. The caller holds the transaction and the events' batch (events.batch joins only emits of its
    own savepoint level, so no atomic block may open in between)."""
    plain = [(m, r) for m, r in answers if r.status == SENT and not r.error_code and not r.error_text]
    if len(plain) < 2:
        plain = []
    grouped = {m.pk for m, _r in plain}
    outcomes = _record_sent(plain, token, now) if plain else []
    return outcomes + [_record(message, result, token, now) for message, result in answers
                       if message.pk not in grouped]


def _record_sent(answers: list[tuple[Message, SendResult]], token: str, now) -> list[str]:
    ids = [m.pk for m, _r in answers]
    values = {"status": Message.Status.SENT, "sent_at": now, "error_code": "", "error_text": "",
              "provider_id": Case(*[When(pk=m.pk, then=Value(r.provider_id[:100])) for m, r in answers],
                                  default=F("provider_id"), output_field=CharField())}
    costs = [When(pk=m.pk, then=Value(r.cost)) for m, r in answers if r.cost is not None]
    if costs:
        values["cost"] = Case(*costs, default=F("cost"), output_field=DecimalField(max_digits=10, decimal_places=2))
    changed = Message.objects.filter(pk__in=ids, status=Message.Status.SENDING, claim_token=token).update(**values)
    ours = set(ids)
    if changed != len(ids):  # some taken over meanwhile (cannot happen while ours, but never claim them)
        ours = set(Message.objects.filter(pk__in=ids, status=Message.Status.SENT, sent_at=now, claim_token=token)
                   .values_list("pk", flat=True))
    outcomes = []
    for message, result in answers:
        if message.pk not in ours:
            outcomes.append("skipped")
            continue
        message.status, message.sent_at, message.error_code, message.error_text = Message.Status.SENT, now, "", ""
        message.provider_id = result.provider_id[:100]
        if result.cost is not None:
            message.cost = result.cost
        _emit(message)
        outcomes.append("sent")
    return outcomes


def _record(message: Message, result: SendResult, token: str, now) -> str:
    """Store one answer on a row still "sending" under `token` (a conditional UPDATE: a row taken over, or already
    recorded, is never overwritten)."""
    fields = {"error_code": result.error_code[:50], "error_text": result.error_text[:500]}
    if result.status in (SENT, DELIVERED):
        fields.update(status=Message.Status.DELIVERED if result.status == DELIVERED else Message.Status.SENT,
                      provider_id=result.provider_id[:100], sent_at=now)
        if result.cost is not None:
            fields["cost"] = result.cost
        if result.status == DELIVERED:
            fields["finished_at"] = now
        outcome = "sent"
    elif result.status == RETRY and message.attempts < MAX_ATTEMPTS:
        fields.update(status=Message.Status.QUEUED, next_attempt_at=now + backoff(message.attempts), claim_token="")
        outcome = "retry"
    elif result.status in (FAILED, RETRY):
        fields.update(status=Message.Status.FAILED, finished_at=now)
        outcome = "failed"
    else:  # unknown: the provider may have it — left "sending" for reclaim_stale to check
        outcome = "unknown"
    changed = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING, claim_token=token).update(**fields)
    if not changed:
        return "skipped"  # someone else recorded it (cannot happen with the row ours, but never overwrite)
    if outcome in ("sent", "failed"):
        for name, value in fields.items():
            setattr(message, name, value)
        _emit(message)
    return outcome


def reclaim_stale(*, now=None) -> int:
    """Rows left "sending" longer than STALE_AFTER (a killed worker, an answer lost): look them up, never resend
    blindly (see the module's docstring). Each is taken under a new token, so a late answer of the worker that sent
    it changes nothing."""
    now = now or timezone.now()
    done = 0
    while True:
        token = uuid.uuid4().hex
        with transaction.atomic():
            message = (Message.objects.filter(status=Message.Status.SENDING, sending_started_at__lt=now - STALE_AFTER)
                       .select_for_update(skip_locked=True).select_related("channel").order_by("id").first())
            if message is None:
                return done
            # Ours for the check; a crash here only delays it by STALE_AFTER.
            message.sending_started_at, message.claim_token = now, token
            message.save(update_fields=["sending_started_at", "claim_token"])
        done += 1
        adapter = adapter_for(message.provider, message.channel)
        if not adapter.can_lookup:
            result = SendResult(status=FAILED, error_code="unknown_result", error_text=_(
                "Неизвестно, принял ли провайдер сообщение (ответ не получен). Повторно не отправлено, чтобы не "
                "задвоить: проверьте журнал провайдера и при необходимости повторите."))
            _record_many([(message, result)], token, now)
            continue
        found = adapter.lookup(message)
        if found.status == NOT_FOUND:
            Message.objects.filter(pk=message.pk, status=Message.Status.SENDING, claim_token=token).update(
                status=Message.Status.QUEUED, next_attempt_at=now, claim_token="")
        elif found.status in (SENT, DELIVERED, FAILED):
            found.provider_id = found.provider_id or str(message.pk)
            _record_many([(message, found)], token, now)
        # retry/unknown: the provider cannot say now; the row stays "sending" and is checked again later


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
