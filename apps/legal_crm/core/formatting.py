"""Russian formatting of money, dates and durations for print formats and desk pages: 1 234 567,89 ₽, 27.11.2026,
«3 ч 5 мин»."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

NBSP = "\u00a0"


def _grouped(whole: str) -> str:
    """The digits of a whole number grouped by threes with a no-break space: 1 234 567."""
    return f"{int(whole):,}".replace(",", NBSP)


def format_money(value, *, currency: bool = True) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "−" if amount < 0 else ""
    whole, _, kopecks = f"{abs(amount):.2f}".partition(".")
    text = f"{sign}{_grouped(whole)},{kopecks}"
    return f"{text}{NBSP}₽" if currency else text


def format_number(value) -> str:
    """A decimal that is no amount (a bound, a score) as Russian print sets it: «300 000», «2,5», «−1 500,25» — digits
    grouped by a no-break space, a decimal comma, no trailing zeros."""
    number = Decimal(value)
    sign = "−" if number < 0 else ""
    whole, _, fraction = f"{abs(number).normalize():f}".partition(".")
    return f"{sign}{_grouped(whole)}" + (f",{fraction}" if fraction else "")


def format_percent(value) -> str:
    """A share in per cent as Russian print sets it: «72,2 %», «−151,5 %» (a decimal comma, the minus sign)."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "−" if rounded < 0 else ""
    return f"{sign}{abs(rounded):.1f}".replace(".", ",") + f"{NBSP}%"


def format_signed(value: int) -> str:
    """A difference with its sign as Russian print sets it: +2, −3 (the minus sign, not a hyphen), 0, −12 345 (digits
    grouped by a no-break space, as format_money)."""
    digits = _grouped(str(abs(value)))
    return f"+{digits}" if value > 0 else f"\u2212{digits}" if value < 0 else "0"


def local_date(value) -> datetime.date | None:
    """The calendar day of a date, or of a moment in the active time zone (a stored moment is UTC: from midnight
    to 03:00 in Moscow its own date is the day before)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


def format_date(value) -> str:
    day = local_date(value)
    return day.strftime("%d.%m.%Y") if day else ""


def format_duration(delta: datetime.timedelta) -> str:
    """A short Russian duration: «менее минуты», «45 мин», «3 ч 5 мин», «2 дн 4 ч»."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 1:
        return _("менее минуты")
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s дн %(h)s ч") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s ч %(m)s мин") % {"h": hours, "m": mins}
    return _("%(m)s мин") % {"m": mins}
