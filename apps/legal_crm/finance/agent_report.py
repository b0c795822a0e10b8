"""Agents' payouts (SPEC 5.4.9): per partner, what was accrued on their clients' payments in the period and where
it stands — accrued, approved, paid; reversals of refunds included. Office scope by the contract's office."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from .models import AgentAccrual
from .report_common import INT, MONEY, TEXT, bars, filter_contracts, period_bounds
from .selectors import agent_accrual_list_visible_to

ZERO = Decimal("0.00")
S = AgentAccrual.Status


def agent_report(user, *, date_from, date_to, office=None, service=None) -> dict:
    start, end = period_bounds(date_from, date_to)
    qs = filter_contracts(agent_accrual_list_visible_to(user), "contract__", office=office, service=service)
    grouped = (qs.filter(created_at__gte=start, created_at__lt=end).order_by().values("partner__name")
               .annotate(payments=Count("id", filter=Q(refund__isnull=True)), base=Sum("base"),
                         accrued=Sum("amount", filter=Q(status=S.ACCRUED)),
                         approved=Sum("amount", filter=Q(status=S.APPROVED)),
                         paid=Sum("amount", filter=Q(status=S.PAID)), total=Sum("amount"))
               .order_by("partner__name"))
    keys = ("base", "accrued", "approved", "paid", "total")
    rows, totals = [], {k: ZERO for k in keys}
    for g in grouped:
        row = {"partner": g["partner__name"], "payments": g["payments"], **{k: g[k] or ZERO for k in keys}}
        for k in keys:
            totals[k] += row[k]
        rows.append(row)
    return {
        "title": _("Вознаграждения агентов"),
        "columns": [("partner", _("Агент"), TEXT), ("payments", _("Платежей клиентов"), INT),
                    ("base", _("Оплачено клиентами"), MONEY), ("accrued", _("Начислено"), MONEY),
                    ("approved", _("Согласовано"), MONEY), ("paid", _("Выплачено"), MONEY),
                    ("total", _("Всего"), MONEY)],
        "rows": rows,
        "totals": {"partner": _("Итого"), **totals},
        "total": totals["total"],
        "chart": bars([(r["partner"], r["total"], False) for r in rows]),
        "chart_title": _("Вознаграждения по агентам"),
    }
