"""Helpers shared by the contract services: permission and office-scope checks, validation."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.money import money_or_domain_error
from legal_crm.org.selectors import office_ids_visible_to

from ..models import Contract


def ensure_office(actor, office) -> None:
    ids = office_ids_visible_to(actor)
    if ids is not None and office.pk not in ids:
        raise DomainError("access_denied", _("Вы не работаете в офисе «%(office)s».") % {"office": office})


def ensure_contract(actor, contract: Contract, perm: str) -> None:
    """The actor holds `perm` and sees the contract (office scope and the "own only" rule)."""
    from ..selectors import contract_list_visible_to

    ensure(actor, perm)
    if not contract_list_visible_to(actor).filter(pk=contract.pk).exists():
        raise DomainError("access_denied", _("Договор %(number)s вам недоступен.") % {"number": contract.number})


def amount_or_error(value, field: str, *, allow_zero: bool = True) -> Decimal:
    """The amount typed for `field` through the one parser (core.money.parse_money), or the field's DomainError
    with the parser's code: not a number, negative, zero where refused, more than two decimals, too large."""
    return money_or_domain_error(value, field, allow_zero=allow_zero)


def local_today(office=None):
    now = timezone.now()
    if office is not None:
        return now.astimezone(office.tz).date()
    return timezone.localdate(now)


def lock(contract: Contract) -> Contract:
    """Re-read the contract under SELECT … FOR UPDATE so two transitions never interleave."""
    return Contract.objects.select_for_update().get(pk=contract.pk)
