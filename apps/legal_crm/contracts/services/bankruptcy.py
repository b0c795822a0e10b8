"""The bankruptcy part of a contract's general information: court, case, manager, creditors, property."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.text import clean_text, clean_text_fields
from legal_crm.directory.models import Counterparty
from legal_crm.directory.selectors import counterparty_list_visible_to

from ..models import BankruptcyCase, Contract, Creditor, PropertyItem, normalize_case_number
from ._common import amount_or_error, ensure_contract, validated

CASE_FIELDS = {"route", "court", "case_number", "financial_manager", "sro", "court_deposit", "deposit_paid_on",
               "filed_on", "hearing_on", "monthly_income", "income_note"}


def _ensure_bankruptcy_service(contract: Contract) -> None:
    if not contract.service.group.is_bankruptcy:
        raise DomainError("not_bankruptcy", _("Услуга «%(s)s» не относится к банкротству.") % {"s": contract.service})


@transaction.atomic
def bankruptcy_case_update(*, actor, contract: Contract, **fields) -> BankruptcyCase:
    ensure_contract(actor, contract, "contracts.change_contract")
    _ensure_bankruptcy_service(contract)
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise DomainError("invalid", _("Неизвестные поля: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    fields = clean_text_fields(fields, {"case_number", "income_note"}, multiline={"income_note"})
    for name in ("court_deposit", "monthly_income"):
        if name in fields:
            fields[name] = amount_or_error(fields[name], name)
    case, _created = BankruptcyCase.objects.select_for_update().get_or_create(contract=contract)
    for name, value in fields.items():
        setattr(case, name, value)
    if "case_number" in fields:
        case.case_number = normalize_case_number(case.case_number)
    if case.financial_manager_id and not case.sro_id:
        case.sro_id = case.financial_manager.sro_id
    if case.court_id and case.court.role != Counterparty.Role.COURT:
        raise DomainError("invalid", _("Проверьте выделенные поля."),
                          fields={"court": _("Выберите контрагента с ролью «Суд».")})
    validated(case).save()
    audit(actor=actor, action="bankruptcy.update", obj=contract, after=sorted(fields))
    return case


@transaction.atomic
def creditor_add(*, actor, contract: Contract, counterparty: Counterparty, debt_amount, basis: str = "") -> Creditor:
    ensure_contract(actor, contract, "contracts.change_contract")
    _ensure_bankruptcy_service(contract)
    amount = amount_or_error(debt_amount, "debt_amount", allow_zero=False)
    if counterparty.pk == contract.client_id:
        raise DomainError("invalid", _("Клиент не может быть своим кредитором."),
                          fields={"counterparty": _("Выберите другого контрагента.")})
    if not counterparty_list_visible_to(actor).filter(pk=counterparty.pk).exists():
        # Another office's client: the card and the documents would show their name, ИНН and address here.
        raise DomainError("unknown_counterparty", _("Такого контрагента нет среди ваших."),
                          fields={"counterparty": _("Выберите контрагента из списка.")})
    case, _created = BankruptcyCase.objects.get_or_create(contract=contract)
    if case.creditors.filter(counterparty=counterparty).exists():
        raise DomainError("creditor_exists", _("Кредитор «%(c)s» уже в списке: измените сумму его долга.")
                          % {"c": counterparty}, fields={"counterparty": _("Уже добавлен.")})
    creditor = Creditor.objects.create(case=case, counterparty=counterparty, debt_amount=amount, basis=clean_text(basis or ""))
    audit(actor=actor, action="bankruptcy.creditor", obj=contract,
          after={"creditor": counterparty.name, "amount": str(amount)})
    return creditor


@transaction.atomic
def property_add(*, actor, contract: Contract, kind: str, description: str, value=0,
                 is_sole_residence: bool = False, is_pledged: bool = False) -> PropertyItem:
    ensure_contract(actor, contract, "contracts.change_contract")
    _ensure_bankruptcy_service(contract)
    amount = amount_or_error(value, "value")
    case, _created = BankruptcyCase.objects.get_or_create(contract=contract)
    item = validated(PropertyItem(case=case, kind=kind, description=clean_text(description or ""), value=amount,
                                  is_sole_residence=is_sole_residence, is_pledged=is_pledged))
    item.save()
    audit(actor=actor, action="bankruptcy.property", obj=contract, after={"property": item.description})
    return item
