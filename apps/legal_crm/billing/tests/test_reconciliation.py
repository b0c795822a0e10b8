"""Random sequences of payments, advances and refunds never lose or double money."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from legal_crm.billing.models import Invoice, Payment
from legal_crm.billing.services import advance_apply, invoice_issue, payment_refund, payment_register
from legal_crm.core.errors import DomainError

from .helpers import assert_reconciled

money = st.decimals(min_value=Decimal("-50.00"), max_value=Decimal("9000.00"), places=2)
step = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 2), money, st.booleans()),
    st.tuples(st.just("refund"), st.integers(0, 10), money, st.just(False)),
    st.tuples(st.just("apply"), st.integers(0, 2), st.just(Decimal("0")), st.just(False)),
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
# Found by hypothesis: SQLite summed 0.03 − 0.02 − 0.01 of advance to −1.7e−18 (sums are now rounded to kopecks).
@example(steps=[("pay", 2, Decimal("0.03"), True), ("pay", 2, Decimal("0.01"), True), ("apply", 0, Decimal("0"), False)])
def test_random_sequences_reconcile(finance, contract, steps):
    invoices = [invoice_issue(actor=finance, contract=contract, amount=amount)
                for amount in (Decimal("10000.00"), Decimal("3000.50"), Decimal("0.01"))]
    try:
        for op, index, amount, advance in steps:
            try:
                if op == "pay":
                    invoice = invoices[index]
                    before = Invoice.objects.get(pk=invoice.pk)
                    payment_register(actor=finance, invoice=invoice, amount=amount, method="card", as_advance=advance)
                    after = Invoice.objects.get(pk=invoice.pk)
                    assert after.paid_amount - before.paid_amount == min(amount, before.amount - before.paid_amount)
                elif op == "refund":
                    payments = list(Payment.objects.filter(contract=contract).order_by("id"))
                    if payments:
                        payment_refund(actor=finance, payment=payments[index % len(payments)], amount=amount,
                                       reason="Проверка")
                else:
                    advance_apply(actor=finance, invoice=invoices[index])
            except DomainError as exc:
                assert exc.code in {"amount_not_positive", "overpayment", "refund_exceeds_paid", "no_advance",
                                    "invoice_not_open"}
            assert_reconciled(contract)
    finally:
        from legal_crm.billing.models import LedgerEntry, PaymentAllocation, Refund

        LedgerEntry.objects.all().delete()
        PaymentAllocation.objects.all().delete()
        Refund.objects.all().delete()
        Payment.objects.all().delete()
        Invoice.objects.all().delete()
