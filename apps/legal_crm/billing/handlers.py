"""Billing's reactions to other modules' events (hooks.DOC_EVENTS). Each is idempotent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from legal_crm.contracts.models import Contract
from legal_crm.core.audit import audit

from .models import InstalmentSchedule, Invoice, Subscription

TERMINATED = "terminated"


@transaction.atomic
def stop_billing_of_terminated(*, contract_id: int, status: str, **_payload) -> dict:
    """A contract was terminated: stop its subscriptions and instalment schedule and cancel its invoices nobody
    paid anything on. Money already paid stays; the refund (paid − accepted work) is made by finance with
    «Возврат по договору», because it means actually sending money back."""
    if status != TERMINATED:
        return {}
    contract = Contract.objects.select_for_update().filter(pk=contract_id, status=Contract.Status.TERMINATED).first()
    if contract is None:
        return {}
    ended_on = contract.terminated_on or timezone.localdate()
    subscriptions = Subscription.objects.filter(contract=contract, is_active=True).update(
        is_active=False, ended_on=ended_on, updated_at=timezone.now())
    schedules = InstalmentSchedule.objects.filter(contract=contract, status=InstalmentSchedule.Status.ACTIVE).update(
        status=InstalmentSchedule.Status.CANCELLED, updated_at=timezone.now())
    unpaid = list(Invoice.objects.select_for_update().filter(contract=contract, status=Invoice.Status.ISSUED,
                                                             paid_amount=0))
    for invoice in unpaid:
        invoice.status = Invoice.Status.CANCELLED
        invoice.is_overdue = False
        invoice.cancelled_at = timezone.now()
        invoice.cancel_reason = "Договор расторгнут"
        invoice.save(update_fields=["status", "is_overdue", "cancelled_at", "cancel_reason", "updated_at"])
        audit(actor=None, action="invoice.cancel", obj=invoice, before=Invoice.Status.ISSUED,
              after={"reason": invoice.cancel_reason})
    return {"subscriptions": subscriptions, "schedules": schedules, "invoices": len(unpaid)}
