"""Scheduled jobs of finance (hooks.SCHEDULER_EVENTS). Each is safe to run twice.

Overdue invoices are marked by billing's own daily job (billing.jobs.mark_overdue_invoices, event
billing.invoices_overdue); the receivables report reads that mark, so finance adds no second one."""

from __future__ import annotations

import datetime

from .services.bonuses import bonuses_expire


def expire_bonuses(today: datetime.date | None = None) -> dict:
    return bonuses_expire(today)


def rebuild_recent_revenue_days(today: datetime.date | None = None) -> int:
    """The safety net of the daily revenue summary: the RECENT_REVENUE_DAYS days before today rebuilt from billing's
    rows, whatever a lost or failed handler left (today is the handlers' alone: a bulk rebuild would race them).
    Returns the number of cells."""
    from django.utils import timezone

    from .services.revenue_days import RECENT_REVENUE_DAYS, revenue_days_rebuild

    today = today or timezone.localdate()
    return revenue_days_rebuild(today - datetime.timedelta(days=RECENT_REVENUE_DAYS),
                                today - datetime.timedelta(days=1))
