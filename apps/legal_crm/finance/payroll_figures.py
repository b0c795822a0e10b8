"""The figures a payroll run is computed from, each for every employee of an office at once (grouped queries,
never a query per employee): sales, payments on their contracts, the office's revenue, violations.

They read the whole company's records, not the computing user's rows: a run must come out the same whoever
computes it (the write checks that the user may compute for the office)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.module_loading import import_string

from legal_crm.billing.models import Payment, Refund
from legal_crm.contracts.models import Contract
from legal_crm.core.money import KOPECK

from .report_common import period_bounds

ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(KOPECK)


def sales_by_user(office_id: int, date_from: datetime.date, date_to: datetime.date) -> dict[int, tuple[Decimal, int]]:
    """user id → (sum of prices, count) of contracts signed in the period that the office's employees sold."""
    rows = (Contract.objects.filter(signed_on__gte=date_from, signed_on__lte=date_to,
                                    sales_manager__employee__main_office_id=office_id)
            .order_by().values("sales_manager_id").annotate(s=Sum("price"), n=Count("id")))
    return {r["sales_manager_id"]: (_money(r["s"]), r["n"]) for r in rows}


def payments_by_user(office_id: int, date_from: datetime.date, date_to: datetime.date) -> dict[int, tuple[Decimal,
                                                                                                           int]]:
    """user id → (sum, count) of payments received in the period on contracts the employee sold or works on as
    a lawyer; a payment counts once for a seller who is also the contract's lawyer."""
    start, end = period_bounds(date_from, date_to)
    out: dict[int, tuple[Decimal, int]] = {}
    sold = (Payment.objects.filter(paid_at__gte=start, paid_at__lt=end,
                                   contract__sales_manager__employee__main_office_id=office_id)
            .order_by().values("contract__sales_manager_id").annotate(s=Sum("amount"), n=Count("id")))
    for r in sold:
        out[r["contract__sales_manager_id"]] = (_money(r["s"]), r["n"])
    # From the lawyers' link table, so the "not the seller" condition is on one row (user and contract).
    through = Contract.lawyers.through
    in_period = Q(contract__payments__paid_at__gte=start, contract__payments__paid_at__lt=end)
    led = (through.objects.filter(user__employee__main_office_id=office_id)
           .exclude(contract__sales_manager_id=F("user_id"))
           .order_by().values("user_id")
           .annotate(s=Sum("contract__payments__amount", filter=in_period),
                     n=Count("contract__payments", filter=in_period)))
    for r in led:
        if r["n"]:
            s, n = out.get(r["user_id"], (ZERO, 0))
            out[r["user_id"]] = (s + _money(r["s"]), n + r["n"])
    return out


def office_revenue(office_id: int, date_from: datetime.date, date_to: datetime.date) -> Decimal:
    """Money received by the office in the period net of refunds (as the revenue report counts it)."""
    start, end = period_bounds(date_from, date_to)
    received = Payment.objects.filter(contract__office_id=office_id, paid_at__gte=start, paid_at__lt=end) \
        .aggregate(s=Sum("amount"))["s"]
    refunded = Refund.objects.filter(payment__contract__office_id=office_id, refunded_at__gte=start,
                                     refunded_at__lt=end).aggregate(s=Sum("amount"))["s"]
    return _money(received) - _money(refunded)


def violations_by_employee(employee_ids: list[int], date_from: datetime.date,
                           date_to: datetime.date) -> dict[int, dict]:
    """employee id → the period's violations payroll deducts for: {"amount": Decimal (their own deductions summed),
    "count": int, "pending": int (appeals not decided, not deducted)}, from the module that records them
    (hooks.PAYROLL_VIOLATIONS: quality.selectors.violations_for_payroll). Without one nothing is deducted."""
    from legal_crm import hooks

    path = hooks.PAYROLL_VIOLATIONS
    if not path or not employee_ids:
        return {}
    return import_string(path)(employee_ids, (date_from, date_to))
