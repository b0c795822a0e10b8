"""Two cashiers paying the same invoice at the same moment: the row lock lets only what is due through.

Needs a server database (MariaDB in CI); SQLite in memory has one connection, so it is skipped there."""

from decimal import Decimal

import pytest
from django.db import connection

from legal_crm.billing.models import Invoice, Payment
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.core.errors import DomainError
from legal_crm.core.tests.parallel import at_once

from .helpers import assert_reconciled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database with row locks"),
]


def test_parallel_payments_never_exceed_the_invoice(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00"))

    def cashier(_i):
        try:
            payment_register(actor=finance, invoice=invoice, amount=Decimal("400.00"), method="cash")
        except DomainError as exc:
            return exc.code
        return "ok"

    results, errors = at_once(cashier, 4)
    assert errors == []
    assert sorted(results) == ["ok", "ok", "overpayment", "overpayment"]
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("800.00") and Payment.objects.count() == 2
    assert Invoice.objects.get().status == "partially_paid"
    assert_reconciled(contract)


def test_parallel_replays_of_one_document_are_counted_once(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00"))
    _results, errors = at_once(lambda _i: payment_register(
        actor=finance, invoice=invoice, amount=Decimal("300.00"), method="portal", external_ref="bank-op-1"), 3)
    assert errors == []
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("300.00")
    assert_reconciled(contract)
