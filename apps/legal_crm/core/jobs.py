"""Celery tasks of the core: the events relay, a handler retried on its own, scheduled jobs by dotted path."""

from celery import shared_task
from django.db import transaction

from . import events, outbox, scheduler


@shared_task(name="legal_crm.core.jobs.run_event_handler", autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=5)
def run_event_handler(path: str, event: str, payload: dict) -> None:
    events.call_handler(path, event, payload)


@shared_task(name="legal_crm.core.jobs.relay_events")
def relay_events() -> int:
    return outbox.relay()


@shared_task(name="legal_crm.core.jobs.run_scheduled_job")
def run_scheduled_job(path: str):
    return scheduler.run_job(path)


@shared_task(name="legal_crm.core.jobs.run_event_handlers")
def run_event_handlers(items: list) -> None:
    """Event messages published before the outbox existed, still queued while a deploy rolls out."""
    with transaction.atomic():
        outbox.run_handlers(items)
