"""Payroll accrual statistics (SPEC 5.4.8): what was accrued to whom in the runs of a period — salary,
percentages, KPI bonuses, deductions — by office and employee, with the chart of totals per office."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from .models import PayrollLine
from .report_common import MONEY, TEXT, bars
from .selectors import payroll_run_list_visible_to

ZERO = Decimal("0.00")
PERCENT_KINDS = (PayrollLine.Kind.REVENUE, PayrollLine.Kind.SALES, PayrollLine.Kind.PAYMENTS)
ROWS_SHOWN = 500


def payroll_report(user, *, date_from, date_to, office=None, employee=None) -> dict:
    """Lines of the runs whose period lies inside [date_from, date_to], one row per office and employee."""
    runs = payroll_run_list_visible_to(user).filter(date_from__gte=date_from, date_to__lte=date_to)
    if office is not None:
        runs = runs.filter(office=office)
    lines = PayrollLine.objects.filter(run__in=runs.values("id"))
    if employee is not None:
        lines = lines.filter(employee__user=employee)
    grouped = (lines.order_by().values("run__office__name", "employee_id", "employee__user__last_name",
                                       "employee__user__first_name", "position__name")
               .annotate(salary=Sum("amount", filter=Q(kind=PayrollLine.Kind.SALARY)),
                         percent=Sum("amount", filter=Q(kind__in=PERCENT_KINDS)),
                         kpi=Sum("amount", filter=Q(kind=PayrollLine.Kind.KPI)),
                         deduction=Sum("amount", filter=Q(kind=PayrollLine.Kind.DEDUCTION)),
                         total=Sum("amount"))
               .order_by("run__office__name", "employee__user__last_name", "employee__user__first_name"))
    rows, per_office, count = [], {}, 0
    totals = {k: ZERO for k in ("salary", "percent", "kpi", "deduction", "total")}
    for g in grouped:
        row = {"office": g["run__office__name"],
               "employee": f"{g['employee__user__last_name']} {g['employee__user__first_name']}".strip(),
               "position": g["position__name"] or ""}
        for key in totals:
            row[key] = g[key] or ZERO
            totals[key] += row[key]
        per_office[row["office"]] = per_office.get(row["office"], ZERO) + row["total"]
        count += 1
        if len(rows) < ROWS_SHOWN:
            rows.append(row)
    return {
        "title": _("Начисления зарплаты"),
        "columns": [("office", _("Офис"), TEXT), ("employee", _("Сотрудник"), TEXT),
                    ("position", _("Должность"), TEXT), ("salary", _("Оклад"), MONEY),
                    ("percent", _("Проценты"), MONEY), ("kpi", _("Премии"), MONEY),
                    ("deduction", _("Удержания"), MONEY), ("total", _("Итого"), MONEY)],
        "rows": rows,
        "truncated": count > len(rows),
        "totals": {"office": _("Итого"), **totals},
        "total": totals["total"],
        "chart": bars([(name, value, False) for name, value in sorted(per_office.items())]),
        "chart_title": _("Начислено по офисам"),
    }
