"""Helpers every billing service uses: money parsing, permission and office checks, dates."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.core.money import KOPECK, money_or_domain_error


def setting(name: str, default):
    return getattr(settings, name, default)


def to_money(value, *, field: str = "amount") -> Decimal:
    """A positive amount of roubles through the one parser (core.money.parse_money); refused ones are the
    field's DomainError with the parser's code (amount_invalid, amount_float, amount_precision...)."""
    return money_or_domain_error(value, field, allow_zero=False)


def money_sum(value) -> Decimal:
    """An aggregated amount as exact kopecks. SQLite sums decimals in floating point (0.03 − 0.03 comes back
    as −1.7e−18); the error is far below a kopeck, so rounding to kopecks restores the exact sum."""
    return Decimal(value if value is not None else 0).quantize(KOPECK)


def ensure_contract_scope(actor, contract) -> None:
    """The contract is in the actor's offices, and is the actor's own where the role sees only its own (the
    contracts module's selectors decide; billing only words the refusal)."""
    from legal_crm.contracts import selectors as contract_selectors

    gap = contract_selectors.contract_scope_gap(actor, contract)
    if gap == contract_selectors.OUTSIDE_OFFICES:
        raise DomainError("access_denied", _("Договор %(number)s относится к офису, к которому у вас нет доступа.")
                          % {"number": contract.number})
    if gap == contract_selectors.NOT_OWN:
        raise DomainError("access_denied", _("Договор %(number)s не ваш: его деньгами занимаются его менеджер и "
                                             "юристы.") % {"number": contract.number})


def add_months(day: datetime.date, months: int, *, anchor_day: int | None = None) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    wanted = anchor_day or day.day
    return datetime.date(year, month, min(wanted, calendar.monthrange(year, month)[1]))
