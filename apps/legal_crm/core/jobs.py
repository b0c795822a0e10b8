"""Celery tasks of the core: event handlers and scheduled jobs, looked up by dotted path."""

from celery import shared_task

from . import events, scheduler


@shared_task(name="legal_crm.core.jobs.run_event_handler", autoretry_for=(ConnectionError,),
             retry_backoff=True, max_retries=5)
def run_event_handler(path: str, event: str, payload: dict) -> None:
    events.call_handler(path, event, payload)


@shared_task(name="legal_crm.core.jobs.run_event_handlers")
def run_event_handlers(items: list) -> None:
    events.call_handlers(items)


@shared_task(name="legal_crm.core.jobs.run_scheduled_job")
def run_scheduled_job(path: str):
    return scheduler.run_job(path)
