"""The "Лиды по источникам" report: period from the request, rows from selectors, an XLSX export."""

from __future__ import annotations

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from . import selectors

COLUMNS = [("source", gettext_lazy("Источник")), ("channel", gettext_lazy("Канал")), ("total", gettext_lazy("Лидов")),
           ("spam", gettext_lazy("Спам")), ("open", gettext_lazy("В работе")), ("refused", gettext_lazy("Отказ")),
           ("converted", gettext_lazy("Клиенты")), ("conversion", gettext_lazy("Конверсия, %"))]


def parse_period(params) -> tuple[datetime.date, datetime.date, dict]:
    """date_from/date_to as 27.11.2026 or 2026-11-27; default — this month. Returns (from, to, errors)."""
    today = timezone.localdate()
    errors = {}

    def parse(name, default):
        raw = (params.get(name) or "").strip()
        if not raw:
            return default
        for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        errors[name] = _("Дата в виде 27.11.2026.")
        return default

    date_from = parse("date_from", today.replace(day=1))
    date_to = parse("date_to", today)
    if date_from > date_to:
        errors["date_to"] = _("Конец периода раньше начала.")
        date_to = date_from
    if (date_to - date_from).days > 366 * 3:
        errors["date_from"] = _("Период не больше трёх лет.")
        date_from = date_to - datetime.timedelta(days=366 * 3)
    return date_from, date_to, errors


def chosen_filters(params, choices: dict) -> dict:
    """The filters picked in the request (ids), each looked up among what the user may choose; unknown → none."""
    chosen = {}
    for name, queryset in choices.items():
        raw = (params.get(name) or "").strip()
        chosen[name] = queryset.filter(pk=int(raw)).first() if raw.isdigit() else None
    return chosen


def report_rows(user, date_from, date_to, **filters) -> tuple[list[dict], dict]:
    rows = selectors.leads_by_source(user, date_from=date_from, date_to=date_to, **filters)
    totals = {k: sum(r[k] for r in rows) for k in ("total", "spam", "open", "refused", "converted")}
    good = totals["total"] - totals["spam"]
    totals["conversion"] = round(100 * totals["converted"] / good, 1) if good > 0 else 0.0
    peak = max((r["total"] for r in rows), default=0)
    for r in rows:
        r["bar"] = round(100 * r["total"] / peak, 1) if peak else 0
        r["bar_converted"] = round(100 * r["converted"] / peak, 1) if peak else 0
    return rows, totals


def report_xlsx(rows: list[dict], totals: dict, date_from, date_to) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Лиды по источникам")
    ws.append([_("Лиды по источникам за %(a)s — %(b)s") % {"a": f"{date_from:%d.%m.%Y}", "b": f"{date_to:%d.%m.%Y}"}])
    ws["A1"].font = Font(bold=True)
    ws.append([str(title) for _k, title in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r[k] for k, _t in COLUMNS])
    ws.append([_("Итого"), "", *[totals[k] for k, _t in COLUMNS[2:]]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 22
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
