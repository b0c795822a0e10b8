"""The dispatcher behind hooks.DOC_EVENTS.

`emit()` is called by services inside their transaction; the event's handlers are written to the outbox in that
transaction (core.outbox) and run by the relay only if it commits — in a Celery worker, or in-process in the
embedded default — so a failing handler never rolls back the business write, a rolled-back write never notifies
anybody, and a committed one always does. `batch()` writes all the events of a block as one outbox row, so a busy
path (the lead intake) adds one insert.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.db import transaction
from django.utils.module_loading import import_string

from . import outbox

logger = logging.getLogger(__name__)

_local = threading.local()


def handlers_for(event: str) -> list[str]:
    from legal_crm import hooks

    if event not in hooks.DOC_EVENTS:
        raise KeyError(f"Event {event!r} is not declared in hooks.DOC_EVENTS")
    return list(hooks.DOC_EVENTS[event])


def _savepoint_level() -> tuple:
    connection = transaction.get_connection()
    return (connection.in_atomic_block, tuple(connection.savepoint_ids))


def emit(event: str, **payload) -> None:
    """Queue every handler of `event` to run after commit. Payload must be JSON-serialisable."""
    items = [(path, event, payload) for path in handlers_for(event)]
    if not items:
        return
    pending = getattr(_local, "batch", None)
    # Only events of the batch's own savepoint level may join it: an inner atomic block that rolls back
    # must take its events with it, which its own outbox row does.
    if pending is not None and pending[0] == _savepoint_level():
        pending[1].extend(items)
        return
    outbox.store(items)


@contextmanager
def batch():
    """Collect the events emitted in the block and store them as one outbox row at its end."""
    if getattr(_local, "batch", None) is not None:  # nested: the outer block stores
        yield
        return
    _local.batch = (_savepoint_level(), [])
    try:
        yield
    finally:
        items = _local.batch[1]
        _local.batch = None
        # Stored after an exception too, unless the transaction is already doomed: a caller that handles the
        # exception and commits still notifies; a rollback takes the row away.
        if items and not transaction.get_connection().needs_rollback:
            outbox.store(items)


def call_handler(path: str, event: str, payload: dict) -> None:
    logger.debug("event %s → %s", event, path)
    import_string(path)(**payload)
