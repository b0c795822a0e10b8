"""Deliveries of events to handlers that failed: retried with backoff, then dead until someone acts.

The outbox relay (core.outbox) runs each handler of a committed event in its own savepoint. When one raises, the
savepoint rolls back its writes and `record_failure` keeps the (event, handler, payload) as an EventDelivery row in
the relay's transaction — the same one that deletes the outbox row — so a failure moves from the outbox to this
table without a gap or a copy. `retry_due` (every minute, hooks.SCHEDULER_EVENTS) runs the deliveries whose time has
come, each in its own savepoint again; after MAX_ATTEMPTS failures a delivery is dead: the desk page «Сбои
обработки» lists it with its error, and an administrator retries it (after fixing the cause) or closes it.
"""

from __future__ import annotations

import datetime
import logging
import traceback

from django.db import transaction
from django.utils import timezone

from . import perms
from .audit import audit
from .guard import ensure
from .models import EventDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = datetime.timedelta(minutes=1)  # 1, 2, 4, 8, 16 minutes between attempts
BACKOFF_MAX = datetime.timedelta(hours=1)
BATCH = 100
PERM = perms.RETRY_EVENTDELIVERY

Status = EventDelivery.Status


def backoff(attempts: int) -> datetime.timedelta:
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _error_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:]


def record_failure(path: str, event: str, payload: dict, exc: BaseException) -> EventDelivery:
    """Keep a delivery that failed on its first try; called inside the relay's transaction."""
    now = timezone.now()
    logger.warning("handler %s of event %s failed; retried later", path, event, exc_info=exc)
    return EventDelivery.objects.create(
        event=event, handler=path, payload=payload, attempts=1, error=_error_text(exc), created_at=now,
        last_attempt_at=now, next_attempt_at=now + backoff(1),
    )


def _attempt(delivery: EventDelivery, now) -> bool:
    """Run one delivery in a savepoint and record the outcome on its row; True when it was delivered."""
    from .events import call_handler

    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        with transaction.atomic():
            call_handler(delivery.handler, delivery.event, delivery.payload)
    except Exception as exc:
        delivery.error = _error_text(exc)
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = Status.DEAD, None
            logger.error("handler %s of event %s failed %s times; left for an administrator",
                         delivery.handler, delivery.event, delivery.attempts)
        else:
            delivery.status, delivery.next_attempt_at = Status.RETRYING, now + backoff(delivery.attempts)
        delivered = False
    else:
        delivery.status, delivery.next_attempt_at = Status.DELIVERED, None
        delivered = True
    delivery.save(update_fields=["attempts", "last_attempt_at", "error", "status", "next_attempt_at"])
    return delivered


def retry_due() -> int:
    """The scheduled retry: every delivery whose next attempt is due, oldest first. Returns how many were delivered.

    Rows are locked with SKIP LOCKED in the transaction that runs them, so parallel runs share the work and a
    worker killed midway leaves its rows, untouched, to the next run.
    """
    delivered = 0
    while True:
        with transaction.atomic():
            now = timezone.now()
            rows = list(EventDelivery.objects.select_for_update(skip_locked=True)
                        .filter(status=Status.RETRYING, next_attempt_at__lte=now).order_by("next_attempt_at", "id")
                        [:BATCH])
            delivered += sum(_attempt(row, now) for row in rows)
        if len(rows) < BATCH:
            return delivered


@transaction.atomic
def deliveries_retry(*, actor, deliveries) -> tuple[int, int]:
    """Retry now (the cause was fixed): each chosen open delivery runs once more. Returns (delivered, failed)."""
    ensure(actor, PERM)
    now = timezone.now()
    ids = [d.pk for d in deliveries]
    rows = list(EventDelivery.objects.select_for_update().filter(pk__in=ids, status__in=[Status.RETRYING, Status.DEAD])
                .order_by("id"))
    ok = 0
    for row in rows:
        # A dead delivery gets one more try each time it is retried by hand, and stays dead if that fails.
        ok += _attempt(row, now)
        audit(actor=actor, action="delivery.retry", obj=row,
              after={"event": row.event, "handler": row.handler, "status": row.status})
    return ok, len(rows) - ok


@transaction.atomic
def deliveries_resolve(*, actor, deliveries) -> int:
    """Close without delivering (the reaction was done by hand or is no longer needed)."""
    ensure(actor, PERM)
    now = timezone.now()
    rows = list(EventDelivery.objects.select_for_update()
                .filter(pk__in=[d.pk for d in deliveries], status__in=[Status.RETRYING, Status.DEAD]))
    for row in rows:
        row.status, row.next_attempt_at, row.resolved_at, row.resolved_by = Status.RESOLVED, None, now, actor
        row.save(update_fields=["status", "next_attempt_at", "resolved_at", "resolved_by"])
        audit(actor=actor, action="delivery.resolve", obj=row, after={"event": row.event, "handler": row.handler})
    return len(rows)


def dead_count() -> int:
    return EventDelivery.objects.filter(status=Status.DEAD).count()


def prune(*, now=None, keep_days: int = 30) -> int:
    """Daily: forget deliveries closed (delivered or resolved) more than keep_days ago."""
    limit = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    deleted, _by_model = (EventDelivery.objects
                          .filter(status__in=[Status.DELIVERED, Status.RESOLVED], last_attempt_at__lt=limit)
                          .delete())
    return deleted
