"""Scheduled jobs of finance (hooks.SCHEDULER_EVENTS). Each is safe to run twice.

Overdue invoices are marked by billing's own daily job (billing.jobs.mark_overdue_invoices, event
billing.invoices_overdue); the receivables report reads that mark, so finance adds no second one."""

from __future__ import annotations

import datetime

from .services.bonuses import bonuses_expire


def expire_bonuses(today: datetime.date | None = None) -> dict:
    return bonuses_expire(today)
