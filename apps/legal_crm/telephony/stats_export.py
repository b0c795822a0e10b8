"""The call statistics as an XLSX workbook (the page's «Скачать XLSX»)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

KEYS = ("label", "total", "incoming", "outgoing", "answered", "missed", "talk", "answered_share")


def stats_xlsx(rows: list[dict], totals: dict, *, date_from, date_to, heading: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Звонки")
    ws.append([_("Статистика звонков за %(a)s — %(b)s") % {"a": f"{date_from:%d.%m.%Y}", "b": f"{date_to:%d.%m.%Y}"}])
    ws["A1"].font = Font(bold=True)
    ws.append([heading, _("Звонков"), _("Входящих"), _("Исходящих"), _("Отвечено"), _("Пропущено"),
               _("Разговоры, с"), _("Отвечено, %")])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[k] for k in KEYS])
    ws.append([_("Итого"), *[totals[k] for k in KEYS[1:]]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
