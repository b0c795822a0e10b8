"""Amounts of money typed by people or sent by programs: one parser for every module (billing, contracts...)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

KOPECK = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")  # what a MoneyField holds: 14 digits, 2 of them kopecks


def to_decimal(value) -> Decimal | None:
    """`1500`, `"1 500,50"`, `"1500.50 ₽"`, Decimal → that Decimal, as written (NaN and infinity included: the
    callers judge them); None for what is not a number. Floats are refused: they are not exact."""
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        cleaned = value.replace("\u00a0", "").replace(" ", "").replace(",", ".").replace("₽", "")
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            return None
    return value if isinstance(value, Decimal) else None


def parse_amount(value) -> Decimal | None:
    """An amount a MoneyField can hold, as an exact Decimal; None for anything else: not a number, NaN or infinity,
    a float (inexact), more than two decimals, beyond ±MAX_AMOUNT. The sign is left to the caller (some amounts
    may be zero, none may be negative)."""
    value = to_decimal(value)
    if value is None or not value.is_finite() or abs(value) > MAX_AMOUNT or value != value.quantize(KOPECK):
        return None
    return value.quantize(KOPECK)
