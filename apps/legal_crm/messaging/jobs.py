"""Jobs of messaging (hooks.SCHEDULER_EVENTS and the task requested after a commit). Safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import outbox


def send_queued() -> dict:
    """Every minute (and after each commit that queued messages): send what is due."""
    return outbox.send_queued()


def poll_statuses() -> int:
    """Every 5 minutes: delivery statuses of sent messages."""
    return outbox.poll_statuses()


@shared_task(name="legal_crm.messaging.jobs.send_queued_task")
def send_queued_task() -> dict:
    counts = outbox.send_queued()
    if counts.get("sent", 0) + counts.get("failed", 0) + counts.get("retry", 0) >= outbox.MAX_PER_RUN:
        # A full run: more is probably due (a campaign's batch) — carry on now rather than at the next minute.
        send_queued_task.apply_async()
    return counts
