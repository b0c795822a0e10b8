"""The prefix of each office's contract numbers ("МСК" in МСК-2026-00042): one office per prefix."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure

from ..models import Contract, ContractNumbering, default_prefix
from ..models.contract import PREFIX_MAX_LENGTH
from ._common import ensure_office

PREFIX_RE = re.compile(r"^[0-9A-ZА-ЯЁ](?:[0-9A-ZА-ЯЁ-]*[0-9A-ZА-ЯЁ])?$")


def _numbers_use(prefix: str, office) -> bool:
    """Another office's contracts are already numbered with `prefix` (offices numbered before prefixes were
    stored, or an office whose prefix was changed since)."""
    pattern = re.compile(rf"^{re.escape(prefix)}-\d{{4}}-\d+$")
    numbers = (Contract.objects.filter(number__startswith=f"{prefix}-").exclude(office=office)
               .values_list("number", flat=True)[:50])
    return any(pattern.match(number) for number in numbers)


def _holder(prefix: str, office):
    """The office that holds `prefix` already (its numbering row or its contracts' numbers), or None."""
    row = ContractNumbering.objects.filter(prefix=prefix).exclude(office=office).select_related("office").first()
    if row is not None:
        return row.office
    if _numbers_use(prefix, office):
        return (Contract.objects.filter(number__startswith=f"{prefix}-").exclude(office=office)
                .select_related("office").first().office)
    return None


def office_prefix(office) -> str:
    """The office's prefix; on its first contract a free one is stored: the office code in Cyrillic, with a digit
    appended when another office holds it already ("kzn" → «КЗН», then "qzn" → «КЗН2»)."""
    existing = ContractNumbering.objects.filter(office=office).values_list("prefix", flat=True).first()
    if existing:
        return existing
    taken = set(ContractNumbering.objects.exclude(office=office).values_list("prefix", flat=True))
    for _attempt in range(20):
        candidate = default_prefix(office.code, taken)
        if _numbers_use(candidate, office):
            taken.add(candidate)
            continue
        try:
            with transaction.atomic():
                row, _created = ContractNumbering.objects.get_or_create(office=office,
                                                                        defaults={"prefix": candidate})
            return row.prefix
        except IntegrityError:
            # Another office took the same prefix a moment ago (or this office's row appeared): look again.
            existing = ContractNumbering.objects.filter(office=office).values_list("prefix", flat=True).first()
            if existing:
                return existing
            taken.add(candidate)
    raise DomainError("prefix_unavailable", _("Не удалось подобрать свободный префикс номеров договоров для офиса "
                                              "«%(office)s»: задайте его в разделе «Нумерация договоров офисов».")
                      % {"office": office})


def normalize_prefix(prefix: str) -> str:
    return (prefix or "").strip().upper().replace(" ", "")


def numbering_prefix_check(office, prefix: str) -> str:
    """The prefix as it will be stored, or a DomainError: malformed, or held by another office."""
    prefix = normalize_prefix(prefix)
    if not prefix or len(prefix) > PREFIX_MAX_LENGTH or not PREFIX_RE.match(prefix):
        message = _("Префикс — от 1 до %(n)s заглавных букв или цифр (можно дефис внутри), например «МСК».") % {
            "n": PREFIX_MAX_LENGTH}
        raise DomainError("prefix_invalid", message, fields={"prefix": message})
    holder = _holder(prefix, office)
    if holder is not None:
        message = _("Префикс «%(prefix)s» уже у офиса «%(office)s»: номера договоров совпали бы. Выберите другой, "
                    "например «%(suggestion)s».") % {
            "prefix": prefix, "office": holder,
            "suggestion": default_prefix(prefix, set(ContractNumbering.objects.values_list("prefix", flat=True))
                                         | {prefix})}
        raise DomainError("prefix_taken", message, fields={"prefix": message})
    return prefix


@transaction.atomic
def numbering_prefix_set(*, actor, office, prefix: str) -> ContractNumbering:
    """Set the office's contract-number prefix; refused when another office holds it."""
    ensure(actor, perms.CHANGE_CONTRACTNUMBERING)
    ensure_office(actor, office)
    prefix = numbering_prefix_check(office, prefix)
    row = ContractNumbering.objects.select_for_update().filter(office=office).first()
    before = row.prefix if row else None
    if row is None:
        row = ContractNumbering(office=office)
    if before == prefix:
        return row
    row.prefix = prefix
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # taken by a concurrent change
        message = _("Префикс «%(prefix)s» уже занят другим офисом.") % {"prefix": prefix}
        raise DomainError("prefix_taken", message, fields={"prefix": message}) from exc
    audit(actor=actor, action="contract_numbering.set", obj=office, before={"prefix": before},
          after={"prefix": prefix})
    return row
