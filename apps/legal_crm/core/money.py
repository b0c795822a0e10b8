"""Amounts of money typed by people or sent by programs: one parser for every module (billing, contracts...)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

KOPECK = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what a MoneyField holds: 14 digits, 2 of them kopecks


def parse_amount(value) -> Decimal | None:
    """`1500`, `"1 500,50"`, `"1500.50 ₽"`, Decimal → an exact Decimal; None when it is not an amount a MoneyField
    can hold: not a number, NaN or infinity, a float (inexact), more than two decimals, beyond ±MAX_AMOUNT.
    The sign is left to the caller (some amounts may be zero, none may be negative)."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        value = Decimal(value)
    elif isinstance(value, str):
        cleaned = value.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("₽", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            return None
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) > MAX_AMOUNT:
        return None
    if value != value.quantize(KOPECK):
        return None
    return value.quantize(KOPECK)
