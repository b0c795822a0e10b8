"""The dispatcher behind hooks.DOC_EVENTS.

`emit()` is called by services inside their transaction; handlers run only if it commits, each
as its own Celery task (in-process in the embedded default), so a failing handler never rolls back
the business write and a rolled-back write never notifies anybody.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def handlers_for(event: str) -> list[str]:
    from legal_crm import hooks

    if event not in hooks.DOC_EVENTS:
        raise KeyError(f"Event {event!r} is not declared in hooks.DOC_EVENTS")
    return list(hooks.DOC_EVENTS[event])


def emit(event: str, **payload) -> None:
    """Queue every handler of `event` to run after commit. Payload must be JSON-serialisable."""
    paths = handlers_for(event)
    if not paths:
        return

    def _dispatch():
        from .jobs import run_event_handler

        for path in paths:
            # Queued one by one: with eager tasks (the embedded default) a failing handler raises
            # here, and must not keep the event's other handlers from running.
            try:
                run_event_handler.delay(path, event, payload)
            except Exception:
                logger.exception("handler %s of event %s failed", path, event)

    transaction.on_commit(_dispatch, robust=True)


def call_handler(path: str, event: str, payload: dict) -> None:
    logger.debug("event %s → %s", event, path)
    import_string(path)(**payload)
