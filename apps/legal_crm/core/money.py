"""Amounts of money typed by people or sent by programs: the one parser every form, serializer and service uses.

`parse_money` is the only way in: ASCII digits, optional spaces (or no-break spaces) between groups of three,
one decimal separator (comma or dot), at most two decimals, at most MAX_AMOUNT; no exponent, no underscores, no
other scripts' digits, a sign only where the field allows negatives. Floats are refused: they are not exact.
Anything else raises MoneyError, whose code and Russian message forms, serializers and services show.
`MoneyFormField` (core.fields) and `MoneySerializerField` (core.api) are built on it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

KOPECK = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")  # 999 999 999,99 ₽: far beyond any contract, still a sane number
MAX_TYPED_LENGTH = 32

# Spaces a person or a spreadsheet puts between thousands: space, no-break space, narrow no-break, thin.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_AMOUNT_RE = re.compile(
    rf"^(?P<sign>[-+])?(?P<int>[0-9]{{1,3}}(?:[{_GROUP_SPACES}][0-9]{{3}})+|[0-9]+)"
    r"(?:[.,](?P<frac>[0-9]+))?$")
_CURRENCY_RE = re.compile(r"\s*(?:₽|руб\.?|р\.)$", re.IGNORECASE)


class MoneyError(ValueError):
    """A refused amount: `code` is stable (the API returns it), `message` is what a person reads."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = str(message)


def _example() -> str:
    return _("Укажите сумму цифрами, например 1500 или 1 500,50.")


def _refuse_sign(allow_zero: bool):
    if not allow_zero:  # a field that wants more than zero says so, whatever the sign typed
        raise MoneyError("amount_not_positive", _("Сумма должна быть больше нуля."))
    raise MoneyError("amount_negative", _("Сумма не может быть отрицательной."))


def _check_range(value: Decimal, *, allow_negative: bool, allow_zero: bool, max_amount: Decimal) -> Decimal:
    if value < 0 and not allow_negative:
        _refuse_sign(allow_zero)
    if value == 0 and not allow_zero:
        raise MoneyError("amount_not_positive", _("Сумма должна быть больше нуля."))
    if abs(value) > max_amount:
        limit = f"{max_amount:,.2f}".replace(",", " ").replace(".", ",")
        raise MoneyError("amount_too_large", _("Слишком большая сумма: не больше %(limit)s ₽.") % {"limit": limit})
    if value != value.quantize(KOPECK):
        raise MoneyError("amount_precision",
                         _("Сумма указывается в рублях и копейках: не больше двух знаков после запятой."))
    return value.quantize(KOPECK)


def parse_money(value, *, allow_negative: bool = False, allow_zero: bool = True,
                max_amount: Decimal = MAX_AMOUNT) -> Decimal:
    """The amount as an exact Decimal with two places, or MoneyError (see the module's docstring)."""
    if value is None or isinstance(value, bool):
        raise MoneyError("amount_invalid", _example())
    if isinstance(value, float):
        raise MoneyError("amount_float", _("Сумма передана дробным числом с плавающей точкой; передайте её точно: "
                                           "строкой или Decimal, например «1500.00»."))
    if isinstance(value, int):
        if abs(value) > max_amount:
            return _check_range(Decimal(max_amount) * 10 * (1 if value > 0 else -1), allow_negative=allow_negative,
                                allow_zero=allow_zero, max_amount=max_amount)
        return _check_range(Decimal(value), allow_negative=allow_negative, allow_zero=allow_zero,
                            max_amount=max_amount)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("amount_invalid", _example())
        return _check_range(value, allow_negative=allow_negative, allow_zero=allow_zero, max_amount=max_amount)
    if not isinstance(value, str):
        raise MoneyError("amount_invalid", _example())
    typed = _CURRENCY_RE.sub("", value.strip()) if len(value) <= MAX_TYPED_LENGTH else None
    match = _AMOUNT_RE.match(typed) if typed else None
    if match is None:
        shown = value.strip()[:MAX_TYPED_LENGTH]
        message = (_("«%(value)s» — не сумма. %(example)s") % {"value": shown, "example": _example()} if shown
                   else _example())
        raise MoneyError("amount_invalid", message)
    if match["sign"] == "+":
        raise MoneyError("amount_invalid", _example())
    if match["sign"] == "-" and not allow_negative:
        _refuse_sign(allow_zero)
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise MoneyError("amount_precision",
                         _("Сумма указывается в рублях и копейках: не больше двух знаков после запятой."))
    digits = match["int"]
    for space in _GROUP_SPACES:
        digits = digits.replace(space, "")
    amount = Decimal(f"{match['sign'] or ''}{digits}.{frac or '0'}")
    return _check_range(amount, allow_negative=allow_negative, allow_zero=allow_zero, max_amount=max_amount)


def parse_plain_number(value, *, max_value: Decimal, decimals: int = 2) -> Decimal:
    """A number a person typed that is not money (a questionnaire's answer, a service's numeric field), read by
    the same rules as amounts: ASCII digits, spaces between thousands, one separator, a minus, at most
    `decimals` places, within ±max_value. ValueError with a Russian message otherwise."""
    invalid = _("Введите число, например 350000 или 12,5.")
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ValueError(invalid)
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(invalid)
        number = value
    else:
        typed = str(value).strip()
        match = _AMOUNT_RE.match(typed) if len(typed) <= MAX_TYPED_LENGTH else None
        if match is None or match["sign"] == "+":
            raise ValueError(invalid)
        digits = match["int"]
        for space in _GROUP_SPACES:
            digits = digits.replace(space, "")
        number = Decimal(f"{match['sign'] or ''}{digits}.{match['frac'] or '0'}")
    if abs(number) > max_value:
        raise ValueError(_("Слишком большое число."))
    step = Decimal(1).scaleb(-decimals)
    if number != number.quantize(step):
        raise ValueError(_("Не больше %(n)s знаков после запятой.") % {"n": decimals})
    return number.quantize(step)


def money_or_none(value, **kwargs) -> Decimal | None:
    """parse_money, with None for a refused amount (for readers that skip bad values, not for input)."""
    try:
        return parse_money(value, **kwargs)
    except MoneyError:
        return None


def format_typed(value) -> str:
    """A Decimal as a person types it back into a form: «1500,50»."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal | int):
        return f"{Decimal(value).quantize(KOPECK)}".replace(".", ",")
    return str(value)


def money_or_domain_error(value, field: str = "amount", **kwargs) -> Decimal:
    """parse_money for services: a refused amount is a DomainError on `field` with the parser's code."""
    from .errors import DomainError

    try:
        return parse_money(value, **kwargs)
    except MoneyError as exc:
        raise DomainError(exc.code, exc.message, fields={field: exc.message}) from exc
