"""One XLSX table for the desk's report downloads: a bold title row, a bold header, the rows and a bold totals
row. openpyxl is imported when a report is downloaded, not when a worker starts (about 20 MiB it would otherwise
hold in every web process)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence


def table_xlsx(*, sheet: str, title: str, header: Sequence, rows: Iterable[Sequence], totals: Sequence | None = None,
               widths: Sequence[int] = (36,)) -> bytes:
    """`widths` are the first columns' widths, from A."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = str(sheet)[:31]
    ws.append([str(title)])
    ws["A1"].font = bold
    ws.append([str(value) for value in header])
    for cell in ws[2]:
        cell.font = bold
    for row in rows:
        ws.append(list(row))
    if totals is not None:
        ws.append(list(totals))
        for cell in ws[ws.max_row]:
            cell.font = bold
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
