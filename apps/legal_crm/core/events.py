"""The dispatcher behind hooks.DOC_EVENTS.

`emit()` is called by services inside their transaction; handlers run only if it commits, as Celery tasks
(in-process in the embedded default), so a failing handler never rolls back the business write and a
rolled-back write never notifies anybody. An event's handlers travel in one task; `batch()` puts all the
events of a block into one task, so a busy path (the lead intake) publishes to the broker once.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.utils.module_loading import import_string

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
    # must take its events with it, which its own on_commit registration does.
    if pending is not None and pending[0] == _savepoint_level():
        pending[1].extend(items)
        return
    transaction.on_commit(partial(_send, items), robust=True)


@contextmanager
def batch():
    """Collect the events emitted in the block and queue them after commit as one task."""
    if getattr(_local, "batch", None) is not None:  # nested: the outer block sends
        yield
        return
    _local.batch = (_savepoint_level(), [])
    try:
        yield
    finally:
        items = _local.batch[1]
        _local.batch = None
        if items:  # registered even after an exception: a rollback discards it, a commit still notifies
            transaction.on_commit(partial(_send, items), robust=True)


def _send(items: list[tuple[str, str, dict]]) -> None:
    from .jobs import run_event_handler, run_event_handlers

    try:
        # A short description instead of the repr Celery would build of the arguments (a fifth of a publish).
        description = ", ".join(f"{event} → {path.rsplit('.', 1)[-1]}" for path, event, _p in items)
        if len(items) == 1:
            run_event_handler.apply_async(items[0], argsrepr=description, kwargsrepr="")
        else:
            run_event_handlers.apply_async((items,), argsrepr=description, kwargsrepr="")
    except Exception:
        # Eager tasks (the embedded default) raise here; the broker being down raises here too.
        logger.exception("event handlers %s failed to run", items)


def call_handler(path: str, event: str, payload: dict) -> None:
    logger.debug("event %s → %s", event, path)
    import_string(path)(**payload)


def call_handlers(items) -> None:
    """Run handlers one by one: one failing does not keep the others from running. A handler that lost a
    connection is queued again on its own, with the retries of run_event_handler."""
    from .jobs import run_event_handler

    for path, event, payload in items:
        try:
            call_handler(path, event, payload)
        except ConnectionError:
            logger.warning("handler %s of event %s lost a connection; queued again", path, event)
            run_event_handler.delay(path, event, payload)
        except Exception:
            logger.exception("handler %s of event %s failed", path, event)
