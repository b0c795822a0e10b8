"""Billing's reactions to other modules' events (hooks.DOC_EVENTS). Each is idempotent."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from legal_crm.contracts.models import Contract
from legal_crm.core.audit import audit

from .models import InstalmentSchedule, Invoice, Subscription
from .selectors import contract_paid_total
from .services.invoices import termination_debt_issue

TERMINATED = "terminated"


@transaction.atomic
def stop_billing_of_terminated(*, contract_id: int, status: str, accepted_work_amount: str | None = None,
                               **_payload) -> dict:
    """A contract was terminated: stop its subscriptions and instalment schedule and close its invoices. The
    termination settles the contract — the client owes the accepted work, and what was paid beyond it (paid −
    accepted) is refunded by finance with «Возврат по договору», because that means actually sending money back.
    So every open invoice is cancelled, partly paid ones too: their rest is owed by nobody, and the refund must not
    reopen them (it did: a terminated client was shown their own refund as an overdue debt). When the accepted work
    exceeds what was paid, the client owes exactly the difference: one invoice of it is issued (kind «Долг при
    расторжении», once — a repeated event finds it), instead of the rests of the old invoices, which said more or
    less. An event written before it carried the amounts cancels only the invoices nobody paid anything on.
    Running it again for a contract terminated earlier repairs it the same way (billing_settle_terminations)."""
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
    # The decision's event carries the accepted work (with the paid amount it recorded, unused here). Paid is taken
    # as billing holds it now — what the decision saw, plus a payment registered since: the debt is what is still
    # missing, also when the handler runs again long after (`manage.py billing_settle_terminations`).
    known = accepted_work_amount is not None
    debt = Decimal(accepted_work_amount) - contract_paid_total(contract) if known else Decimal(0)
    issued = Invoice.objects.filter(contract=contract, kind=Invoice.Kind.TERMINATION).exists()
    closing = Invoice.objects.select_for_update().filter(contract=contract).exclude(
        kind=Invoice.Kind.TERMINATION).order_by("pk")
    closing = (closing.filter(status__in=Invoice.OPEN_STATUSES) if known
               else closing.filter(status=Invoice.Status.ISSUED, paid_amount=0))
    unpaid = list(closing)
    for invoice in unpaid:
        before = invoice.status
        invoice.status = Invoice.Status.CANCELLED
        invoice.is_overdue = False
        invoice.cancelled_at = timezone.now()
        invoice.cancel_reason = "Договор расторгнут"
        invoice.save(update_fields=["status", "is_overdue", "cancelled_at", "cancel_reason", "updated_at"])
        audit(actor=None, action="invoice.cancel", obj=invoice, before=before,
              after={"reason": invoice.cancel_reason})
    result = {"subscriptions": subscriptions, "schedules": schedules, "invoices": len(unpaid)}
    if debt > 0 and not issued:
        result["debt_invoice"] = termination_debt_issue(contract=contract, amount=debt,
                                                        issued_on=min(ended_on, timezone.localdate())).pk
    return result
