"""The NPS report as an XLSX workbook: the same rows and totals as the desk's table."""

from __future__ import annotations

from legal_crm.core.xlsx import table_xlsx


def nps_xlsx(report: dict, subtitle: str) -> bytes:
    return table_xlsx(
        sheet="NPS", title=f"{report['title']} — {subtitle}",
        header=[report["group_title"], *(title for _key, title in report["columns"])],
        rows=([str(row["label"]), *(row[key] for key, _title in report["columns"])] for row in report["rows"]),
        totals=[str(report["totals"]["label"]), *(report["totals"][key] for key, _title in report["columns"])],
        widths=(32,))
