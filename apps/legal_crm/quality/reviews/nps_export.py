"""The NPS report as an XLSX workbook: the same rows and totals as the desk's table."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font


def nps_xlsx(report: dict, subtitle: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "NPS"
    ws.append([f"{report['title']} — {subtitle}"])
    ws["A1"].font = Font(bold=True)
    ws.append([str(report["group_title"]), *(str(title) for _key, title in report["columns"])])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in [*report["rows"], report["totals"]]:
        ws.append([str(row["label"]), *(row[key] for key, _title in report["columns"])])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 32
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
