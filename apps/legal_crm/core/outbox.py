"""The transactional outbox behind core.events: handlers of committed events, run by a relay.

`emit()` writes its event's handlers as a row in the business transaction, so the event commits or rolls back with
the change it reports and cannot be lost between the commit and a publish. After the commit a relay is requested:
in-process at once when jobs run eagerly (the embedded default, tests), else as one Celery task per process per
RELAY_DELAY seconds, delayed by that much so it sees every row committed while it was pending — a busy intake
publishes a few times a second instead of once per lead. A scheduled relay every minute picks up what a lost
request left behind.

The relay locks a batch of rows (SKIP LOCKED: parallel relays share the work), runs each handler in its own
savepoint — a failing handler neither stops the others nor undoes their writes, and is kept for retries by
core.deliveries — and deletes the rows in the same transaction: a relay that dies midway leaves its rows to the next
one, with none of their handlers' writes committed.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import OperationalError, transaction

from .models import EventOutbox
from .row_insert import insert_many

logger = logging.getLogger(__name__)

RELAY_DELAY = 0.2
BROKER_DOWN_RETRY = 5.0  # seconds before a process asks an unreachable broker again (each try costs ≈ 1 s)
BATCH = 100
MAX_BATCHES = 50

_lock = threading.Lock()
_relay_due = 0.0  # monotonic moment at which the relay this process last requested runs


def store(items: list) -> None:
    """Keep handlers to run once the current transaction commits (at once outside a transaction)."""
    insert_many(EventOutbox, [{"items": items}])  # core.row_insert: one a transaction of every service
    transaction.on_commit(request_relay, robust=True)


def _eager() -> bool:
    from legal_crm import celery_app

    return bool(celery_app.conf.task_always_eager)


def request_relay() -> None:
    global _relay_due
    if _eager():
        relay()
        return
    now = time.monotonic()
    with _lock:
        if now < _relay_due:
            return  # the relay requested earlier starts after this commit, so it sees our rows
        _relay_due = now + RELAY_DELAY
    from .jobs import relay_events

    try:
        relay_events.apply_async(countdown=RELAY_DELAY)
    except Exception:
        # Redis (the broker) unreachable: the rows stay in the outbox for a later relay. Commits in the next few
        # seconds do not wait on the broker again — the lead intake goes on at its speed meanwhile.
        logger.exception("could not request the events relay; the events wait in the outbox")
        with _lock:
            _relay_due = time.monotonic() + BROKER_DOWN_RETRY


def relay(max_batches: int = MAX_BATCHES) -> int:
    """Run the handlers of stored events, oldest first; returns how many rows were relayed."""
    done = 0
    for _ in range(max_batches):
        try:
            relayed = _relay_batch()
        except OperationalError as exc:
            # Deadlock or lock wait with a handler's writes elsewhere: the batch rolled back whole and stays stored.
            logger.warning("events relay batch rolled back (%s); the rows stay for the next relay", exc)
            if not _eager():  # in-process, the next commit's relay (or the scheduled one) takes them
                request_relay()
            break
        if not relayed:
            break
        done += relayed
    else:
        # More than max_batches were waiting: the rest in a new task. In-process (jobs run eagerly) not here — that
        # would recurse once per max_batches, through a whole backlog, inside one request: the rest goes with the
        # next commit's relay or the scheduled one.
        if not _eager():
            request_relay()
    return done


@transaction.atomic
def _relay_batch() -> int:
    rows = list(EventOutbox.objects.select_for_update(skip_locked=True).order_by("id")[:BATCH])
    for row in rows:
        run_handlers(row.items)
    # One statement per row, by primary key: a DELETE … IN over a small table may be planned as a scan, which waits
    # on the rows a parallel relay holds and deadlocks with it.
    for row in rows:
        EventOutbox.objects.filter(pk=row.pk).delete()
    return len(rows)


def run_handlers(items: list) -> None:
    """Each handler in its own savepoint; one that raises is kept by core.deliveries for retries, in this
    transaction — so it leaves the outbox and enters the retry table together."""
    from .deliveries import record_failure
    from .events import call_handler

    for path, event, payload in items:
        try:
            with transaction.atomic():
                call_handler(path, event, payload)
        except Exception as exc:
            record_failure(path, event, payload, exc)
