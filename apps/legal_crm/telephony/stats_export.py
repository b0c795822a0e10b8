"""The call statistics as an XLSX workbook (the page's «Скачать XLSX»)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from legal_crm.core.xlsx import table_xlsx

KEYS = ("label", "total", "incoming", "outgoing", "answered", "missed", "talk", "answered_share")


def stats_xlsx(rows: list[dict], totals: dict, *, date_from, date_to, heading: str) -> bytes:
    return table_xlsx(
        sheet=_("Звонки"),
        title=_("Статистика звонков за %(a)s — %(b)s") % {"a": f"{date_from:%d.%m.%Y}", "b": f"{date_to:%d.%m.%Y}"},
        header=[heading, _("Звонков"), _("Входящих"), _("Исходящих"), _("Отвечено"), _("Пропущено"),
                _("Разговоры, с"), _("Отвечено, %")],
        rows=([row[k] for k in KEYS] for row in rows), totals=[_("Итого"), *[totals[k] for k in KEYS[1:]]])
