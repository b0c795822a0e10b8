"""The books react to payroll: an approved run becomes one expense row (services.accounting.payroll_post)."""

from __future__ import annotations

from .services.accounting import payroll_post


def on_payroll_posted(*, run_id, office_id, posting, amount, date_from, date_to, **_ignored) -> None:
    payroll_post(run_id=run_id, office_id=office_id, posting=posting, amount=amount, date_from=date_from,
                 date_to=date_to)
