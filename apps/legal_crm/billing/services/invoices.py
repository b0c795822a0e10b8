"""Issuing and cancelling invoices, and keeping an invoice's status equal to what its payments say."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing import perms
from legal_crm.contracts.models import Contract
from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, PLANNED, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money as format_rub
from legal_crm.core.guard import ensure

from ..models import Invoice, PaymentAllocation
from .common import ensure_contract_scope, money_sum, to_money

DEFAULT_DUE_DAYS = 5


def invoice_number(contract_number: str, seq: int) -> str:
    return f"{contract_number}/{seq}"


def default_purpose(contract, kind: str, period_start=None, period_end=None) -> str:
    if kind == Invoice.Kind.TERMINATION:
        return _("Оплата принятой работы по расторгнутому договору № %(number)s") % {"number": contract.number}
    if kind == Invoice.Kind.DEPOSIT:
        return _("Депозит на расходы по делу, договор № %(number)s") % {"number": contract.number}
    if kind == Invoice.Kind.SUBSCRIPTION and period_start and period_end:
        return _("Абонентское обслуживание за период %(start)s–%(end)s, договор № %(number)s") % {
            "start": f"{period_start:%d.%m.%Y}", "end": f"{period_end:%d.%m.%Y}", "number": contract.number}
    return _("Оплата юридических услуг по договору № %(number)s") % {"number": contract.number}


def lock_contract(contract) -> Contract:
    """Lock the contract row: invoices of one contract are numbered one at a time."""
    return Contract.objects.select_for_update().get(pk=contract.pk)


def next_seq(contract_id: int) -> int:
    return (Invoice.objects.filter(contract_id=contract_id).aggregate(m=Max("seq"))["m"] or 0) + 1


def derive_status(invoice: Invoice) -> str:
    """The status an invoice's payments give it; a cancelled invoice stays cancelled."""
    if invoice.is_cancelled:
        return Invoice.Status.CANCELLED
    if invoice.paid_amount <= 0:
        return Invoice.Status.ISSUED
    if invoice.paid_amount < invoice.amount:
        return Invoice.Status.PARTIALLY_PAID
    return Invoice.Status.PAID


def recompute_invoice(invoice: Invoice, *, today: datetime.date | None = None) -> Invoice:
    """Set paid amount and status from the allocations, in the caller's transaction (invoice row locked)."""
    invoice.paid_amount = money_sum(PaymentAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"])
    invoice.status = derive_status(invoice)
    today = today or timezone.localdate()
    invoice.is_overdue = invoice.is_open and invoice.due_date < today
    invoice.save(update_fields=["paid_amount", "status", "is_overdue", "updated_at"])
    return invoice


def _check_contract_open(contract) -> None:
    if not contract.can_issue_invoices():
        raise DomainError("contract_terminated",
                          _("Договор %(number)s расторгнут: новые счета по нему не выставляются.")
                          % {"number": contract.number})


def _create_invoice(*, actor, contract, amount, kind, issued_on, due_date, purpose, period_start=None,
                    period_end=None, subscription=None) -> Invoice:
    locked = lock_contract(contract)
    seq = next_seq(locked.pk)
    return Invoice.objects.create(
        contract=locked, seq=seq, number=invoice_number(locked.number, seq), kind=kind, amount=amount,
        issued_on=issued_on, due_date=due_date, purpose=purpose, period_start=period_start,
        period_end=period_end, subscription=subscription, issued_by=actor if getattr(actor, "pk", None) else None,
    )


def _announce(actor, invoice: Invoice) -> None:
    audit(actor=actor, action="invoice.issue", obj=invoice,
          after={"amount": str(invoice.amount), "kind": invoice.kind, "due_date": invoice.due_date.isoformat()})
    emit("billing.invoice_issued", invoice_id=invoice.pk, contract_id=invoice.contract_id,
         amount=str(invoice.amount), kind=invoice.kind)


@transaction.atomic
def invoice_issue(*, actor, contract, amount, kind: str = Invoice.Kind.ONE_OFF,
                  due_date: datetime.date | None = None, issued_on: datetime.date | None = None,
                  purpose: str = "", period_start: datetime.date | None = None,
                  period_end: datetime.date | None = None) -> Invoice:
    """Issue an invoice on a contract. Subscription invoices need their period; the job issues them monthly."""
    ensure(actor, perms.ADD_INVOICE)
    ensure_contract_scope(actor, contract)
    _check_contract_open(contract)
    amount = to_money(amount)
    if kind not in Invoice.MANUAL_KINDS:  # the termination's debt is issued by billing itself
        raise DomainError("invoice_kind", _("Неизвестный вид счёта."), fields={"kind": _("Выберите вид счёта.")})
    issued_on = issued_on or timezone.localdate()
    due_date = due_date or issued_on + datetime.timedelta(days=DEFAULT_DUE_DAYS)
    date_or_domain_error(issued_on, PAST_EVENT, "issued_on")
    date_or_domain_error(due_date, PLANNED, "due_date")
    date_or_domain_error(period_start, PLANNED, "period_start")
    date_or_domain_error(period_end, PLANNED, "period_end")
    if due_date < issued_on:
        message = _("Срок оплаты не может быть раньше даты счёта.")
        raise DomainError("due_date_before_issue", message, fields={"due_date": message})
    if kind == Invoice.Kind.SUBSCRIPTION:
        if not period_start or not period_end:
            message = _("Для абонентского счёта укажите период: начало и окончание.")
            raise DomainError("period_required", message, fields={"period_start": message})
        if period_end < period_start:
            message = _("Конец периода не может быть раньше его начала.")
            raise DomainError("period_reversed", message, fields={"period_end": message})
    else:
        period_start = period_end = None
    purpose = (purpose or "").strip()[:500] or default_purpose(contract, kind, period_start, period_end)
    invoice = _create_invoice(actor=actor, contract=contract, amount=amount, kind=kind, issued_on=issued_on,
                              due_date=due_date, purpose=purpose, period_start=period_start,
                              period_end=period_end)
    _announce(actor, invoice)
    return invoice


def termination_debt_issue(*, contract, amount, issued_on: datetime.date) -> Invoice:
    """The one invoice of what a terminated contract's client owes (handlers.stop_billing_of_terminated): billing
    issues it itself, in the handler's transaction — nobody acts, and the contract no longer takes invoices."""
    invoice = _create_invoice(actor=None, contract=contract, amount=to_money(amount), kind=Invoice.Kind.TERMINATION,
                              issued_on=issued_on, due_date=issued_on + datetime.timedelta(days=DEFAULT_DUE_DAYS),
                              purpose=default_purpose(contract, Invoice.Kind.TERMINATION))
    _announce(None, invoice)
    return invoice


@transaction.atomic
def invoice_cancel(*, actor, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an invoice nobody has paid anything on. A paid invoice is refunded first, then cancelled."""
    ensure(actor, perms.CANCEL_INVOICE)
    invoice = Invoice.objects.select_for_update().select_related("contract").get(pk=invoice.pk)
    ensure_contract_scope(actor, invoice.contract)
    reason = (reason or "").strip()
    if not reason:
        message = _("Укажите причину отмены счёта.")
        raise DomainError("reason_required", message, fields={"reason": message})
    if invoice.is_cancelled:
        raise DomainError("invoice_cancelled", _("Счёт %(number)s уже отменён.") % {"number": invoice.number})
    if invoice.paid_amount > 0:
        raise DomainError("invoice_has_payments",
                          _("По счёту %(number)s уже оплачено %(paid)s: отменить можно только неоплаченный счёт; "
                            "сначала оформите возврат.") % {"number": invoice.number,
                                                             "paid": format_rub(invoice.paid_amount)})
    before = invoice.status
    invoice.status = Invoice.Status.CANCELLED
    invoice.is_overdue = False
    invoice.cancelled_at = timezone.now()
    invoice.cancelled_by = actor
    invoice.cancel_reason = reason[:300]
    invoice.save(update_fields=["status", "is_overdue", "cancelled_at", "cancelled_by", "cancel_reason",
                                "updated_at"])
    audit(actor=actor, action="invoice.cancel", obj=invoice, before=before, after={"reason": invoice.cancel_reason})
    emit("billing.invoice_cancelled", invoice_id=invoice.pk, contract_id=invoice.contract_id)
    return invoice
