"""The bankruptcy part of a contract's general information: court, case, manager, creditors, property."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.history_text import normalised
from legal_crm.core.text import clean_text, clean_text_fields
from legal_crm.core.validation import validated
from legal_crm.directory.models import Counterparty
from legal_crm.directory.selectors import counterparty_list_visible_to

from ..models import BankruptcyCase, Contract, Creditor, PropertyItem, normalize_case_number
from ._common import amount_or_error, ensure_contract

CASE_FIELDS = {"route", "court", "case_number", "financial_manager", "sro", "court_deposit", "deposit_paid_on",
               "filed_on", "hearing_on", "monthly_income", "income_note"}


def _ensure_bankruptcy_service(contract: Contract) -> None:
    if not contract.service.group.is_bankruptcy:
        raise DomainError("not_bankruptcy", _("Услуга «%(s)s» не относится к банкротству.") % {"s": contract.service})


@transaction.atomic
def bankruptcy_case_update(*, actor, contract: Contract, **fields) -> BankruptcyCase:
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    _ensure_bankruptcy_service(contract)
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("Неизвестные поля: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    fields = clean_text_fields(fields, {"case_number", "income_note"}, multiline={"income_note"})
    for name in ("court_deposit", "monthly_income"):
        if name in fields:
            fields[name] = amount_or_error(fields[name], name)
    case, _created = BankruptcyCase.objects.select_for_update().get_or_create(contract=contract)
    old = {name: _stored(case, name) for name in CASE_FIELDS}
    for name, value in fields.items():
        setattr(case, name, value)
    if "case_number" in fields:
        case.case_number = normalize_case_number(case.case_number)
    if case.financial_manager_id and not case.sro_id:
        case.sro_id = case.financial_manager.sro_id
    if case.court_id and case.court.role != Counterparty.Role.COURT:
        raise DomainError("court_role", _("Проверьте выделенные поля."),
                          fields={"court": _("Выберите контрагента с ролью «Суд».")})
    validated(case)
    # Only what really changed: the form sends every field, and 25000 typed over 25000.00 or an empty note over
    # none is no change (no save, so no empty version in the record's history either).
    new = {name: _stored(case, name) for name in CASE_FIELDS}
    changed = sorted(name for name in CASE_FIELDS
                     if normalised(BankruptcyCase._meta.get_field(name), old[name])
                     != normalised(BankruptcyCase._meta.get_field(name), new[name]))
    if changed or _created:
        case.save()
    if changed:
        audit(actor=actor, action="bankruptcy.update", obj=contract,
              before={name: old[name] for name in changed}, after={name: new[name] for name in changed})
    if "hearing_on" in changed and case.hearing_on is not None:
        emit("contracts.hearing_date_set", contract_id=contract.pk, hearing_on=case.hearing_on.isoformat(),
             previous=old["hearing_on"])
    return case


def _stored(case: BankruptcyCase, name: str):
    """A field's value as the audit log keeps it (JSON): ids for records, text for amounts and dates."""
    field = BankruptcyCase._meta.get_field(name)
    value = getattr(case, field.attname)
    if value is None:
        return None
    if isinstance(value, Decimal | datetime.date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _debt_amount(value):
    return amount_or_error(value, "debt_amount", allow_zero=False)


def _debt_kind(value: str) -> str:
    if value not in Creditor.Kind.values:
        raise DomainError("debt_kind_required", _("Проверьте выделенные поля."), fields={"kind": _("Выберите вид долга.")})
    return value


@transaction.atomic
def creditor_add(*, actor, contract: Contract, counterparty: Counterparty, debt_amount, basis: str = "",
                 kind: str = Creditor.Kind.OTHER) -> Creditor:
    """Add one debt to a creditor. One creditor may hold several debts (a card and a loan at one bank)."""
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    _ensure_bankruptcy_service(contract)
    amount = _debt_amount(debt_amount)
    kind = _debt_kind(kind)
    if counterparty.pk == contract.client_id:
        raise DomainError("client_is_creditor", _("Клиент не может быть своим кредитором."),
                          fields={"counterparty": _("Выберите другого контрагента.")})
    if not counterparty_list_visible_to(actor).filter(pk=counterparty.pk).exists():
        # Another office's client: the card and the documents would show their name, ИНН and address here.
        raise DomainError("unknown_counterparty", _("Такого контрагента нет среди ваших."),
                          fields={"counterparty": _("Выберите контрагента из списка.")})
    case, _created = BankruptcyCase.objects.get_or_create(contract=contract)
    creditor = validated(Creditor(case=case, counterparty=counterparty, kind=kind, debt_amount=amount,
                                  basis=clean_text(basis or "").strip()))
    creditor.save()
    audit(actor=actor, action="bankruptcy.creditor", obj=contract,
          after={"creditor": counterparty.name, "kind": creditor.get_kind_display(), "amount": str(amount)})
    return creditor


def _creditor_of(contract: Contract, creditor) -> Creditor:
    found = (Creditor.objects.select_for_update().select_related("counterparty")
             .filter(pk=getattr(creditor, "pk", creditor), case__contract=contract).first())
    if found is None:
        raise DomainError("not_found", _("Такого долга в этом договоре нет."))
    return found


@transaction.atomic
def creditor_update(*, actor, contract: Contract, creditor, debt_amount=None, kind: str | None = None,
                    basis: str | None = None) -> Creditor:
    """Change one debt: its amount, kind or basis. Only what changed is written and audited."""
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    _ensure_bankruptcy_service(contract)
    debt = _creditor_of(contract, creditor)
    new = {}
    if debt_amount is not None:
        new["debt_amount"] = _debt_amount(debt_amount)
    if kind is not None:
        new["kind"] = _debt_kind(kind)
    if basis is not None:
        new["basis"] = basis.strip()
    before = {k: getattr(debt, k) for k in new if getattr(debt, k) != new[k]}
    if not before:
        return debt
    for name in before:
        setattr(debt, name, new[name])
    validated(debt).save()
    shown = {"debt_amount": "amount", "kind": "kind", "basis": "basis"}

    def words(values):
        return {shown[k]: str(Creditor.Kind(v).label if k == "kind" else v) for k, v in values.items()}

    audit(actor=actor, action="bankruptcy.creditor_update", obj=contract,
          before={"creditor": debt.counterparty.name, **words(before)},
          after={"creditor": debt.counterparty.name, **words({k: new[k] for k in before})})
    return debt


@transaction.atomic
def creditor_remove(*, actor, contract: Contract, creditor) -> None:
    """Remove a debt entered by mistake (the audit keeps what it was)."""
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    _ensure_bankruptcy_service(contract)
    debt = _creditor_of(contract, creditor)
    audit(actor=actor, action="bankruptcy.creditor_remove", obj=contract,
          before={"creditor": debt.counterparty.name, "kind": debt.get_kind_display(),
                  "amount": str(debt.debt_amount)})
    debt.delete()


@transaction.atomic
def property_add(*, actor, contract: Contract, kind: str, description: str, value=0,
                 is_sole_residence: bool = False, is_pledged: bool = False) -> PropertyItem:
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    _ensure_bankruptcy_service(contract)
    amount = amount_or_error(value, "value")
    case, _created = BankruptcyCase.objects.get_or_create(contract=contract)
    item = validated(PropertyItem(case=case, kind=kind, description=clean_text(description or ""), value=amount,
                                  is_sole_residence=is_sole_residence, is_pledged=is_pledged))
    item.save()
    audit(actor=actor, action="bankruptcy.property", obj=contract, after={"property": item.description})
    return item
