"""What every finance report shares: the period and filters from the request, the chart's bars, the XLSX file.

A report is a dict: title, columns [(key, title, kind)], rows (dicts of raw values), totals, chart (bars), and
`notes`; the desk renders the chart first and the table under it, the XLSX export writes the same rows."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.formatting import format_money

MONEY, TEXT, INT, DATE = "money", "text", "int", "date"
MONEY_FORMAT = '#,##0.00 "₽"'
RECORD_COLOR = "FDE68A"  # the fill of a highlighted (record) row in the XLSX file


def period_bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) in the current time zone for a period of whole days."""
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(date_from, datetime.time.min, tz),
            datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz))


def filter_contracts(qs, prefix: str, *, office=None, employee=None, service=None, source=None):
    """Narrow rows reached through a contract (`prefix` = "contract__", "payment__contract__"...) by the
    report's filters: office, the employee who sold it, service, the lead's ad source."""
    for field, value in (("office", office), ("sales_manager", employee), ("service", service),
                         ("lead__source", source)):
        if value is not None:
            qs = qs.filter(**{f"{prefix}{field}": value})
    return qs


def bars(items: list[tuple[str, Decimal, bool]]) -> list[dict]:
    """Chart bars: (label, value, highlighted) → width in % of the largest value."""
    peak = max((abs(v) for _l, v, _h in items), default=0)
    return [{"label": label, "value": value, "text": format_money(value), "highlight": highlight,
             "pct": round(float(abs(value)) * 100 / float(peak), 1) if peak else 0}
            for label, value, highlight in items]


def cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):  # a label in the totals row
        return value
    if kind == MONEY:
        return format_money(value)
    if kind == DATE:
        return f"{value:%d.%m.%Y}"
    return str(value)


def display_rows(report: dict) -> list[dict]:
    out = []
    for row in report["rows"]:
        out.append({"cells": [{"text": cell_text(row.get(key), kind), "num": kind in (MONEY, INT)}
                              for key, _title, kind in report["columns"]],
                    "highlight": row.get("_highlight", False), "actions": row.get("_actions", [])})
    return out


def to_xlsx(report: dict, subtitle: str) -> bytes:
    # openpyxl (about 20 MiB) is imported when a report is downloaded, not when a web worker starts.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    record_fill = PatternFill("solid", fgColor=RECORD_COLOR)
    wb = Workbook()
    ws = wb.active
    ws.title = str(report["title"])[:31]
    ws.append([f"{report['title']} — {subtitle}"])
    ws["A1"].font = Font(bold=True)
    ws.append([str(title) for _k, title, _kind in report["columns"]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in report["rows"]:
        values = []
        for key, _title, kind in report["columns"]:
            value = row.get(key)
            values.append(float(value) if kind == MONEY and value is not None else value)
        ws.append(values)
        for cell, (_key, _title, kind) in zip(ws[ws.max_row], report["columns"], strict=True):
            if kind == MONEY:
                cell.number_format = MONEY_FORMAT
            elif kind == DATE:
                cell.number_format = "DD.MM.YYYY"
            if row.get("_highlight"):
                cell.fill = record_fill
    if report.get("totals"):
        ws.append([str(report["totals"].get(key, "")) if kind != MONEY else float(report["totals"].get(key) or 0)
                   for key, _title, kind in report["columns"]])
        for cell, (_key, _title, kind) in zip(ws[ws.max_row], report["columns"], strict=True):
            cell.font = Font(bold=True)
            if kind == MONEY:
                cell.number_format = MONEY_FORMAT
    for index, _col in enumerate(report["columns"]):
        ws.column_dimensions[get_column_letter(index + 1)].width = 22
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def total_label() -> str:
    return _("Итого")
