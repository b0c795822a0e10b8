"""Scheduled jobs of the contracts module (listed in hooks.SCHEDULER_EVENTS); each is safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import TerminationRequest


def flag_overdue_terminations(today: datetime.date | None = None) -> int:
    """Mark open termination requests whose legal answer date has passed; returns how many were marked."""
    today = today or timezone.localdate()
    return TerminationRequest.objects.filter(
        status=TerminationRequest.Status.OPEN, decision_due_on__lt=today, is_overdue=False,
    ).update(is_overdue=True)
