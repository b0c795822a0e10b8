"""Revenue (SPEC 5.4.7) by office and month with the record months highlighted, gross profit (5.4.5) — revenue
minus the stage expenses of the work — and the portal payments (5.4.6).

Revenue is money received net of refunds: payments by their date minus refunds by theirs, so over any period it
equals the sum of billing's ledger "cash" rows. Payments and refunds are read through billing's selectors (office
scope and a seller's own contracts are billing's rule). Filtered by office and service only, for a user whose money
scope is their offices (billing.selectors.money_scope_is_offices), the same figures come from the daily summary
(models.RevenueDay, kept exact by services.revenue_days): a year is a few thousand rows, not a million payments."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing.selectors import (
    money_scope_is_offices,
    payment_list_visible_to,
    refund_list_visible_to,
)
from legal_crm.contracts.selectors import stage_expenses_visible_to
from legal_crm.core.formatting import format_percent
from legal_crm.core.money import KOPECK
from legal_crm.org.selectors import office_list_visible_to, scope_to_offices

from .models import RevenueDay
from .report_common import DATE, INT, MONEY, TEXT, bars, filter_contracts, period_bounds

ZERO = Decimal("0.00")
MONTHS = ["", _("январь"), _("февраль"), _("март"), _("апрель"), _("май"), _("июнь"), _("июль"), _("август"),
          _("сентябрь"), _("октябрь"), _("ноябрь"), _("декабрь")]


def _money(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(KOPECK)


def month_label(month: datetime.date) -> str:
    return f"{MONTHS[month.month]} {month.year}"


def months_of(date_from: datetime.date, date_to: datetime.date) -> list[tuple[datetime.date, datetime.date,
                                                                               datetime.date]]:
    """(first day of month, first day in period, last day in period) for every month the period touches."""
    out, month = [], date_from.replace(day=1)
    while month <= date_to:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        out.append((month, max(month, date_from), min(following - datetime.timedelta(days=1), date_to)))
        month = following
    return out


def _per_month(qs, office_field: str | None, moment: str, months, *, is_date: bool = False, count: bool = False):
    """{(office id, month): (sum, count)} with one grouped query: a conditional sum per month. The month
    bounds are computed here in the current time zone, so the database needs no time zone tables."""
    aggregates = {}
    for index, (_month, first, last) in enumerate(months):
        if is_date:
            q = Q(**{f"{moment}__gte": first, f"{moment}__lte": last})
        else:
            start, end = period_bounds(first, last)
            q = Q(**{f"{moment}__gte": start, f"{moment}__lt": end})
        aggregates[f"s{index}"] = Sum("amount", filter=q)
        if count:
            aggregates[f"n{index}"] = Count("id", filter=q)
    out = {}
    grouped = ([qs.order_by().aggregate(**aggregates)] if office_field is None
               else qs.order_by().values(office_field).annotate(**aggregates))
    for row in grouped:
        for index, (month, _first, _last) in enumerate(months):
            value = row[f"s{index}"]
            if value is not None:
                out[(row.get(office_field), month)] = (_money(value), row.get(f"n{index}", 0))
    return out


def revenue_by_office_month(user, *, date_from, date_to, office=None, employee=None, service=None,
                            source=None) -> dict[tuple[int, datetime.date], dict]:
    """(office id, first day of month) → received, refunded, net, count of payments. From the daily summary when
    the filters are office and service only and the user's money scope is whole offices; else from the payments."""
    if (employee is None and source is None and _summary_cuts_these_months(date_from, date_to)
            and money_scope_is_offices(user)):
        return revenue_cells_from_summary(user, date_from=date_from, date_to=date_to, office=office, service=service)
    return revenue_cells_from_payments(user, date_from=date_from, date_to=date_to, office=office, employee=employee,
                                       service=service, source=source)


def _summary_cuts_these_months(date_from: datetime.date, date_to: datetime.date) -> bool:
    """Whether the summary's days (settings.TIME_ZONE) add up to exactly the months the report cuts in the current
    zone (the desk runs in the employee's office zone): every month's bounds must be the same instants in both."""
    server = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    current = timezone.get_current_timezone()
    bounds = {first for _month, first, _last in months_of(date_from, date_to)} | {
        date_to + datetime.timedelta(days=1)}
    return all(datetime.datetime.combine(day, datetime.time.min, server)
               == datetime.datetime.combine(day, datetime.time.min, current) for day in bounds)


def revenue_cells_from_summary(user, *, date_from, date_to, office=None, service=None) -> dict:
    """The cells summed from RevenueDay in the user's offices: one grouped query. Only for users whose payments and
    refunds are exactly their offices' (the caller checks money_scope_is_offices)."""
    qs = scope_to_offices(RevenueDay.objects.filter(day__gte=date_from, day__lte=date_to), user, field="office")
    if office is not None:
        qs = qs.filter(office=office)
    if service is not None:
        qs = qs.filter(service=service)
    rows = (qs.order_by().annotate(month=TruncMonth("day")).values("office_id", "month")
            .annotate(r=Sum("received"), f=Sum("refunded"), n=Sum("payments")))
    cells: dict[tuple[int, datetime.date], dict] = {}
    for row in rows:
        received, refunded = _money(row["r"]), _money(row["f"])
        cells[(row["office_id"], row["month"])] = {"received": received, "refunded": refunded,
                                                   "count": row["n"] or 0, "net": received - refunded}
    return cells


def revenue_cells_from_payments(user, *, date_from, date_to, office=None, employee=None, service=None,
                                source=None) -> dict[tuple[int, datetime.date], dict]:
    """The cells from the payments and refunds themselves (any filter, any scope): two grouped queries."""
    start, end = period_bounds(date_from, date_to)
    filters = {"office": office, "employee": employee, "service": service, "source": source}
    months = months_of(date_from, date_to)
    cells: dict[tuple[int, datetime.date], dict] = {}

    def cell(key):
        return cells.setdefault(key, {"received": ZERO, "refunded": ZERO, "count": 0})

    payments = (filter_contracts(payment_list_visible_to(user), "contract__", **filters)
                .filter(paid_at__gte=start, paid_at__lt=end).select_related(None))
    for key, (value, number) in _per_month(payments, "contract__office_id", "paid_at", months, count=True).items():
        cell(key)["received"] += value
        cell(key)["count"] += number
    refunds = (filter_contracts(refund_list_visible_to(user), "payment__contract__", **filters)
               .filter(refunded_at__gte=start, refunded_at__lt=end).select_related(None))
    for key, (value, _n) in _per_month(refunds, "payment__contract__office_id", "refunded_at", months).items():
        cell(key)["refunded"] += value
    for c in cells.values():
        c["net"] = c["received"] - c["refunded"]
    return cells


def _office_names(user) -> dict[int, str]:
    return dict(office_list_visible_to(user).values_list("id", "name"))


def revenue_report(user, *, date_from, date_to, **filters) -> dict:
    cells = revenue_by_office_month(user, date_from=date_from, date_to=date_to, **filters)
    names = _office_names(user)
    best_per_office: dict[int, Decimal] = {}
    for (office_id, _month), c in cells.items():
        best_per_office[office_id] = max(best_per_office.get(office_id, c["net"]), c["net"])
    per_month: dict[datetime.date, Decimal] = {}
    for (_office, month), c in cells.items():
        per_month[month] = per_month.get(month, ZERO) + c["net"]
    record_month = max(per_month, key=lambda m: per_month[m]) if per_month else None
    rows = []
    for (office_id, month), c in sorted(cells.items(), key=lambda kv: (names.get(kv[0][0], ""), kv[0][1])):
        record = c["net"] > 0 and c["net"] == best_per_office[office_id]
        rows.append({"office": names.get(office_id, "—"), "month": month_label(month), "count": c["count"],
                     "received": c["received"], "refunded": c["refunded"], "net": c["net"],
                     "record": _("рекорд офиса") if record else "", "_highlight": record})
    total = {k: sum((c[k] for c in cells.values()), ZERO) for k in ("received", "refunded", "net")}
    return {
        "title": _("Выручка"),
        "columns": [("office", _("Офис"), TEXT), ("month", _("Месяц"), TEXT), ("count", _("Платежей"), INT),
                    ("received", _("Поступило"), MONEY), ("refunded", _("Возвраты"), MONEY),
                    ("net", _("Выручка"), MONEY), ("record", _("Рекорд"), TEXT)],
        "rows": rows,
        "totals": {"office": _("Итого"), **total},
        "total": total["net"],
        "chart": bars([(month_label(m), v, m == record_month) for m, v in sorted(per_month.items())]),
        "chart_title": _("Выручка по месяцам (рекордный месяц выделен)"),
    }


def gross_profit_report(user, *, date_from, date_to, **filters) -> dict:
    """Revenue minus the cost of doing the work: the stage expenses (state fees, deposits, publications) by
    their date and the contract's office. NPS and the payroll share join when their modules provide them."""
    cells = revenue_by_office_month(user, date_from=date_from, date_to=date_to, **filters)
    expenses = filter_contracts(stage_expenses_visible_to(user), "stage__contract__", **filters)
    expenses = expenses.filter(spent_on__gte=date_from, spent_on__lte=date_to)
    costs = {key: value for key, (value, _n) in _per_month(expenses, "stage__contract__office_id", "spent_on",
                                                            months_of(date_from, date_to), is_date=True).items()}
    names = _office_names(user)
    rows, per_month = [], {}
    for key in sorted(set(cells) | set(costs), key=lambda k: (names.get(k[0], ""), k[1])):
        revenue = cells.get(key, {}).get("net", ZERO)
        cost = costs.get(key, ZERO)
        profit = revenue - cost
        per_month[key[1]] = per_month.get(key[1], ZERO) + profit
        rows.append({"office": names.get(key[0], "—"), "month": month_label(key[1]), "revenue": revenue,
                     "cost": cost, "profit": profit,
                     "margin": format_percent(profit * 100 / revenue) if revenue else "—"})
    total = {k: sum((r[k] for r in rows), ZERO) for k in ("revenue", "cost", "profit")}
    return {
        "title": _("Валовая прибыль"),
        "columns": [("office", _("Офис"), TEXT), ("month", _("Месяц"), TEXT), ("revenue", _("Выручка"), MONEY),
                    ("cost", _("Расходы по этапам"), MONEY), ("profit", _("Валовая прибыль"), MONEY),
                    ("margin", _("Маржа"), TEXT)],
        "rows": rows,
        "totals": {"office": _("Итого"), **total},
        "total": total["profit"],
        "chart": bars([(month_label(m), v, False) for m, v in sorted(per_month.items())]),
        "chart_title": _("Валовая прибыль по месяцам"),
    }


def portal_payments_report(user, *, date_from, date_to, **filters) -> dict:
    start, end = period_bounds(date_from, date_to)
    qs = (filter_contracts(payment_list_visible_to(user), "contract__", **filters)
          .filter(method="portal", paid_at__gte=start, paid_at__lt=end))
    # By day for up to two months, by month beyond (one conditional sum per bar, bounds in local time).
    if (date_to - date_from).days <= 62:
        spans = [(date_from + datetime.timedelta(days=i),) * 3 for i in range((date_to - date_from).days + 1)]
        label = "%d.%m"
    else:
        spans, label = months_of(date_from, date_to), None
    sums = _per_month(qs, None, "paid_at", spans)
    per_day = {span[0]: sums[(None, span[0])][0] for span in spans if (None, span[0]) in sums}
    rows = [{"paid_at": timezone.localtime(p.paid_at).date(), "contract": p.contract.number,
             "client": p.contract.client.name if p.contract.client_id else "", "office": p.contract.office.name,
             "invoice": p.invoice.number, "reference": p.external_ref or "", "amount": p.amount,
             "refunded": p.refunded_amount}
            for p in qs.select_related("contract__client", "contract__office", "invoice").order_by("-paid_at")[:500]]
    total = _money(qs.aggregate(s=Sum("amount"))["s"])
    return {
        "title": _("Оплаты через личный кабинет"),
        "columns": [("paid_at", _("Дата"), DATE), ("contract", _("Договор"), TEXT), ("client", _("Клиент"), TEXT),
                    ("office", _("Офис"), TEXT), ("invoice", _("Счёт"), TEXT), ("reference", _("Операция"), TEXT),
                    ("amount", _("Сумма"), MONEY), ("refunded", _("Возвращено"), MONEY)],
        "rows": rows,
        "totals": {"paid_at": _("Итого"), "amount": total},
        "total": total,
        "chart": bars([(d.strftime(label) if label else month_label(d), v, False)
                       for d, v in sorted(per_day.items())]),
        "chart_title": _("Оплаты через кабинет по дням") if label else _("Оплаты через кабинет по месяцам"),
    }
