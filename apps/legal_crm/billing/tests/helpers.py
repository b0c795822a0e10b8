from collections import defaultdict
from decimal import Decimal

from legal_crm.billing import selectors
from legal_crm.billing.models import Invoice, LedgerEntry, Payment, PaymentAllocation, Refund
from legal_crm.billing.services import derive_status

ZERO = Decimal("0.00")


def _sum(values):
    return sum(values, ZERO)


def assert_reconciled(contract):
    """payments = invoice paid amounts (+ advance) = ledger, for every invoice and every operation."""
    entries = list(LedgerEntry.objects.filter(contract=contract))
    for invoice in Invoice.objects.filter(contract=contract):
        allocated = _sum(a.amount for a in PaymentAllocation.objects.filter(invoice=invoice))
        ledger = _sum(e.amount for e in entries if e.account == "invoice" and e.invoice_id == invoice.pk)
        assert invoice.paid_amount == allocated == ledger, invoice.number
        assert ZERO <= invoice.paid_amount <= invoice.amount
        assert invoice.status == derive_status(invoice)
    payments = list(Payment.objects.filter(contract=contract))
    received = _sum(p.amount for p in payments)
    refunded = _sum(r.amount for r in Refund.objects.filter(payment__contract=contract))
    assert refunded == _sum(p.refunded_amount for p in payments)
    cash = _sum(e.amount for e in entries if e.account == "cash")
    invoice_side = _sum(e.amount for e in entries if e.account == "invoice")
    advance = _sum(e.amount for e in entries if e.account == "advance")
    assert cash == received - refunded == selectors.contract_paid_total(contract)
    assert cash == invoice_side + advance
    assert invoice_side == _sum(i.paid_amount for i in Invoice.objects.filter(contract=contract))
    assert advance == selectors.contract_advance(contract) >= ZERO
    per_operation = defaultdict(lambda: defaultdict(lambda: ZERO))
    for e in entries:
        per_operation[e.operation][e.account] += e.amount
    for sums in per_operation.values():
        assert sums["cash"] == sums["invoice"] + sums["advance"]
    return {"cash": cash, "invoice": invoice_side, "advance": advance}
