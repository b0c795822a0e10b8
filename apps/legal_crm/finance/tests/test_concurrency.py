"""Two payments with one certificate, or one bonus balance, at the same moment: the lock lets only one through.

Needs a server database (MariaDB in CI); SQLite in memory has one connection, so it is skipped there."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from legal_crm.billing.models import Payment
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.billing.tests.helpers import assert_reconciled
from legal_crm.core.errors import DomainError
from legal_crm.core.tests.parallel import at_once
from legal_crm.finance.models import BonusAccount, Certificate
from legal_crm.finance.services import bonus_accrue, certificate_issue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database with row locks"),
]
FAR = datetime.date(2100, 1, 1)


def _spend(finance, invoices, method, reference=""):
    def cashier(i):
        try:
            payment_register(actor=finance, invoice=invoices[i], amount=Decimal("700.00"), method=method,
                             reference=reference)
        except DomainError as exc:
            return exc.code
        return "ok"
    return cashier


def test_one_certificate_spent_twice_at_once(finance, office, contract):
    # two invoices of one client: the invoice locks differ, only the certificate's row is shared
    invoices = [invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00")) for _i in range(2)]
    cert = certificate_issue(actor=finance, office=office, amount=Decimal("1000.00"), valid_until=FAR)
    results, errors = at_once(_spend(finance, invoices, "certificate", cert.number), 2)
    assert errors == []
    assert sorted(results) == ["certificate_insufficient", "ok"]
    cert.refresh_from_db()
    assert cert.balance == Decimal("300.00") and Payment.objects.count() == 1
    assert_reconciled(contract)


def test_one_bonus_balance_spent_twice_at_once(finance, office, contract):
    second = ContractFactory(office=office, client=contract.client)
    invoices = [invoice_issue(actor=finance, contract=c, amount=Decimal("2000.00")) for c in (contract, second)]
    bonus_accrue(actor=finance, client=contract.client, group="cashback", amount=Decimal("1000.00"),
                 expires_on=FAR, reason="Кешбэк")
    results, errors = at_once(_spend(finance, invoices, "bonus"), 2)
    assert errors == []
    assert sorted(results) == ["bonus_insufficient", "ok"]
    assert BonusAccount.objects.get().balance == Decimal("300.00") and Payment.objects.count() == 1
    assert Certificate.objects.count() == 0
    assert_reconciled(contract)
    assert_reconciled(second)


def test_parallel_payments_of_one_office_and_day_all_reach_the_revenue_summary(finance, office, contract):
    """Each payment's handler recomputes the office's day after its commit; the rebuilds wait for each other, so the
    last one sees every payment — none is lost to a rebuild that read before another payment committed."""
    from legal_crm.finance import revenue
    from legal_crm.finance.models import RevenueDay

    contracts = [contract] + [ContractFactory(office=office, service=contract.service) for _i in range(3)]
    invoices = [invoice_issue(actor=finance, contract=c, amount=Decimal("1000.00")) for c in contracts]

    def cashier(i):
        payment_register(actor=finance, invoice=invoices[i], amount=Decimal(f"{100 * (i + 1)}.00"), method="cash")
        return "ok"

    results, errors = at_once(cashier, len(invoices))
    assert errors == [] and results == ["ok"] * len(invoices)
    row = RevenueDay.objects.get()
    assert (row.received, row.payments) == (Decimal("1000.00"), 4)
    period = {"date_from": row.day.replace(day=1), "date_to": row.day}
    assert (revenue.revenue_cells_from_summary(finance, **period)
            == revenue.revenue_cells_from_payments(finance, **period))
