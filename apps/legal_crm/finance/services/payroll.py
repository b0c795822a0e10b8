"""Payroll runs: computed for an office and any period from the position rules, explained line by line,
approved once and then posted to the books.

Computing is set-based: a handful of grouped queries for the whole office (payroll_figures.py) and one bulk
insert of the lines, so a month of 3,000 employees takes seconds. Computing the same period again replaces the
lines of a run that is not approved yet (the same figures give the same lines); an approved run is final:
computing it again returns it unchanged, and approving it again is refused — it is posted exactly once."""

from __future__ import annotations

import calendar
import datetime
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money
from legal_crm.core.guard import ensure
from legal_crm.core.money import KOPECK
from legal_crm.org.models import Employee

from .. import payroll_figures as figures
from .. import perms
from ..models import PayrollKpi, PayrollLine, PayrollRule, PayrollRun
from .common import ensure_office

ZERO = Decimal("0.00")
MAX_PERIOD_DAYS = 366


def _pct(base: Decimal, percent: Decimal) -> Decimal:
    return (base * percent / 100).quantize(KOPECK, rounding=ROUND_HALF_UP)


def _percent_text(percent: Decimal) -> str:
    return f"{percent.normalize():f}".replace(".", ",")


def _salary(salary: Decimal, date_from, date_to, hired_on, dismissed_on) -> tuple[Decimal, int, int]:
    """The monthly salary for the days of the period the employee was employed: each month's share is the
    salary × days employed / days in that month. → (amount, days employed, days in the period)."""
    first = max(date_from, hired_on) if hired_on else date_from
    last = min(date_to, dismissed_on) if dismissed_on else date_to
    amount, worked, month = Decimal(0), 0, date_from.replace(day=1)
    while month <= date_to:
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        month_end = month.replace(day=days_in_month)
        lo, hi = max(first, month), min(last, month_end)
        if lo <= hi:
            days = (hi - lo).days + 1
            worked += days
            amount += salary * days / days_in_month
        month = month_end + datetime.timedelta(days=1)
    return amount.quantize(KOPECK, rounding=ROUND_HALF_UP), worked, (date_to - date_from).days + 1


def _rules_for(office) -> dict[int, PayrollRule]:
    """position id → the rule that applies in the office: its own, else the one for all offices."""
    rules: dict[int, PayrollRule] = {}
    for rule in (PayrollRule.objects.filter(is_active=True).filter(Q(office=office) | Q(office__isnull=True))
                 .prefetch_related("kpis").order_by("office_id")):  # NULL first: the office's own rule overwrites
        rules[rule.position_id] = rule
    return rules


def _check_period(date_from: datetime.date, date_to: datetime.date) -> None:
    if date_to < date_from:
        message = _("Конец периода раньше начала.")
        raise DomainError("invalid_period", message, fields={"date_to": message})
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        message = _("Зарплату считают за период не длиннее года.")
        raise DomainError("invalid_period", message, fields={"date_to": message})


def _employee_lines(employee: dict, rule: PayrollRule, period, data: dict) -> list[PayrollLine]:
    """The lines of one employee. `data` holds the office's figures computed once for everybody."""
    date_from, date_to = period
    user_id = employee["user_id"]
    make = lambda kind, amount, explanation, **extra: PayrollLine(  # noqa: E731
        employee_id=employee["id"], position_id=employee["position_id"], kind=kind, amount=amount,
        explanation=explanation[:300], **extra)
    lines = []
    if rule.salary > 0:
        amount, worked, days = _salary(rule.salary, date_from, date_to, employee["hired_on"],
                                       employee["dismissed_on"])
        if worked:
            lines.append(make(PayrollLine.Kind.SALARY, amount, _(
                "Оклад %(salary)s в месяц: %(amount)s — %(worked)s из %(days)s дн. периода") % {
                "salary": format_money(rule.salary), "amount": format_money(amount), "worked": worked, "days": days},
                base=rule.salary, count=worked))
    if rule.revenue_percent > 0 and data["revenue"] > 0:
        amount = _pct(data["revenue"], rule.revenue_percent)
        lines.append(make(PayrollLine.Kind.REVENUE, amount, _("%(pct)s %% от выручки офиса: %(amount)s — выручка "
                                                              "%(base)s") % {
            "pct": _percent_text(rule.revenue_percent), "amount": format_money(amount),
            "base": format_money(data["revenue"])}, base=data["revenue"]))
    sales, sales_count = data["sales"].get(user_id, (ZERO, 0))
    if rule.sales_percent > 0 and sales_count:
        amount = _pct(sales, rule.sales_percent)
        lines.append(make(PayrollLine.Kind.SALES, amount, ngettext(
            "%(pct)s %% от продаж: %(amount)s — %(n)s договор на %(base)s",
            "%(pct)s %% от продаж: %(amount)s — %(n)s договоров на %(base)s", sales_count) % {
            "pct": _percent_text(rule.sales_percent), "amount": format_money(amount), "n": sales_count,
            "base": format_money(sales)}, base=sales, count=sales_count))
    paid, paid_count = data["payments"].get(user_id, (ZERO, 0))
    if rule.payments_percent > 0 and paid_count:
        amount = _pct(paid, rule.payments_percent)
        lines.append(make(PayrollLine.Kind.PAYMENTS, amount, ngettext(
            "%(pct)s %% от оплат по договорам: %(amount)s — %(n)s платёж на %(base)s",
            "%(pct)s %% от оплат по договорам: %(amount)s — %(n)s платежей на %(base)s", paid_count) % {
            "pct": _percent_text(rule.payments_percent), "amount": format_money(amount), "n": paid_count,
            "base": format_money(paid)}, base=paid, count=paid_count))
    values = {PayrollKpi.Metric.SALES_COUNT: Decimal(sales_count), PayrollKpi.Metric.SALES_AMOUNT: sales,
              PayrollKpi.Metric.PAYMENTS_AMOUNT: paid}
    for kpi in rule.kpis.all():
        value = values[kpi.metric]
        if value >= kpi.threshold:
            shown = (f"{int(value)}" if kpi.metric == PayrollKpi.Metric.SALES_COUNT else format_money(value))
            threshold = (f"{int(kpi.threshold)}" if kpi.metric == PayrollKpi.Metric.SALES_COUNT
                         else format_money(kpi.threshold))
            lines.append(make(PayrollLine.Kind.KPI, kpi.bonus, _(
                "Премия «%(metric)s не меньше %(threshold)s»: %(amount)s — за период %(value)s") % {
                "metric": kpi.get_metric_display(), "threshold": threshold, "amount": format_money(kpi.bonus),
                "value": shown}, base=value))
    found = data["violations"].get(employee["id"])
    if found and found.get("count"):
        count = found["count"]
        # the violations' own deductions; when they carry none, the position's deduction per violation
        amount = Decimal(found.get("amount") or 0).quantize(KOPECK) or rule.violation_deduction * count
        if amount > 0:
            text = ngettext("Удержание за нарушения: %(amount)s — %(n)s нарушение",
                            "Удержание за нарушения: %(amount)s — %(n)s нарушений", count) % {
                "amount": format_money(-amount), "n": count}
            if found.get("pending"):
                text += _(" (ещё %(n)s на обжаловании — не удержано)") % {"n": found["pending"]}
            lines.append(make(PayrollLine.Kind.DEDUCTION, -amount, text, count=count))
    return lines


def payroll_lines(office, date_from: datetime.date, date_to: datetime.date) -> list[PayrollLine]:
    """The lines (unsaved) of everybody employed in the office during the period whose position has a rule."""
    rules = _rules_for(office)
    employees = list(
        Employee.objects.filter(main_office=office, position_id__in=list(rules))
        .exclude(hired_on__gt=date_to).exclude(dismissed_on__lt=date_from)
        .order_by("id").values("id", "user_id", "position_id", "hired_on", "dismissed_on"))
    need = {k: any(getattr(r, k) > 0 for r in rules.values())
            for k in ("revenue_percent", "sales_percent", "payments_percent", "violation_deduction")}
    kpi_metrics = {k.metric for r in rules.values() for k in r.kpis.all()}
    data = {
        "revenue": figures.office_revenue(office.pk, date_from, date_to) if need["revenue_percent"] else ZERO,
        "sales": (figures.sales_by_user(office.pk, date_from, date_to)
                  if need["sales_percent"] or kpi_metrics & {"sales_count", "sales_amount"} else {}),
        "payments": (figures.payments_by_user(office.pk, date_from, date_to)
                     if need["payments_percent"] or "payments_amount" in kpi_metrics else {}),
        "violations": figures.violations_by_employee([e["id"] for e in employees], date_from, date_to),
    }
    lines = []
    for employee in employees:
        lines.extend(_employee_lines(employee, rules[employee["position_id"]], (date_from, date_to), data))
    return lines


def payroll_compute(*, actor, office, date_from: datetime.date, date_to: datetime.date) -> PayrollRun:
    """Compute (or re-compute) the office's payroll for the period. An approved run is returned as it is."""
    ensure(actor, perms.ADD_PAYROLLRUN, system_ok=True)
    ensure_office(actor, office)
    _check_period(date_from, date_to)
    lines = payroll_lines(office, date_from, date_to)  # the reads run before the run's row is locked
    with transaction.atomic():
        # get_or_create takes the row a simultaneous computation inserted first (the period is unique)
        run, _created = PayrollRun.objects.get_or_create(office=office, date_from=date_from, date_to=date_to)
        run = PayrollRun.objects.select_for_update().get(pk=run.pk)
        if run.is_approved:
            return run
        PayrollLine.objects.filter(run=run).delete()
        for line in lines:
            line.run = run
        PayrollLine.objects.bulk_create(lines, batch_size=1000)
        run.total = sum((line.amount for line in lines), ZERO)
        run.employees = len({line.employee_id for line in lines})
        run.computed_by = actor if getattr(actor, "pk", None) else None
        run.save(update_fields=["total", "employees", "computed_by", "updated_at"])
        audit(actor=actor, action="payroll.compute", obj=run,
              after={"total": str(run.total), "employees": run.employees, "lines": len(lines)})
    return run


@transaction.atomic
def payroll_approve(*, actor, run: PayrollRun) -> PayrollRun:
    """Approve the run and post it to the books once (event finance.payroll_posted with the posting's id)."""
    ensure(actor, perms.APPROVE_PAYROLLRUN)
    ensure_office(actor, run.office)
    run = PayrollRun.objects.select_for_update().get(pk=run.pk)
    if run.is_approved:
        raise DomainError("payroll_approved", _("Расчёт уже утверждён %(date)s и проведён в учёте.") % {
            "date": f"{timezone.localtime(run.approved_at):%d.%m.%Y}"})
    if not run.employees:
        raise DomainError("payroll_empty", _("В расчёте нет ни одного начисления — проверьте правила должностей."))
    run.status, run.approved_by, run.approved_at = PayrollRun.Status.APPROVED, actor, timezone.now()
    run.posting = uuid.uuid4()
    run.save(update_fields=["status", "approved_by", "approved_at", "posting", "updated_at"])
    audit(actor=actor, action="payroll.approve", obj=run, after={"total": str(run.total), "posting": str(run.posting)})
    emit("finance.payroll_posted", run_id=run.pk, office_id=run.office_id, posting=str(run.posting),
         amount=str(run.total), date_from=run.date_from.isoformat(), date_to=run.date_to.isoformat())
    return run
