"""Two cashiers paying the same invoice at the same moment: the row lock lets only what is due through.

Needs a server database (MariaDB in CI); SQLite in memory has one connection, so it is skipped there."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from legal_crm.billing.models import Invoice, Payment
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.core.errors import DomainError

from .helpers import assert_reconciled

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database with row locks"),
]


def test_parallel_payments_never_exceed_the_invoice(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00"))
    results, barrier = [], threading.Barrier(4)

    def cashier(n):
        try:
            barrier.wait()
            payment_register(actor=finance, invoice=invoice, amount=Decimal("400.00"), method="cash")
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cashier, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "ok", "overpayment", "overpayment"]
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("800.00") and Payment.objects.count() == 2
    assert Invoice.objects.get().status == "partially_paid"
    assert_reconciled(contract)


def test_parallel_replays_of_one_document_are_counted_once(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00"))
    barrier = threading.Barrier(3)

    def webhook():
        try:
            barrier.wait()
            payment_register(actor=finance, invoice=invoice, amount=Decimal("300.00"), method="portal",
                             external_ref="bank-op-1")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=webhook) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Payment.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("300.00")
    assert_reconciled(contract)
