"""Russian formatting of money and dates for print formats and desk pages: 1 234 567,89 ₽, 27.11.2026."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def format_money(value, *, currency: bool = True) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    whole, _, kopecks = f"{abs(amount):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{NBSP.join(groups)},{kopecks}"
    return f"{text}{NBSP}₽" if currency else text


def format_date(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y")
