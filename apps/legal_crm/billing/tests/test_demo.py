from decimal import Decimal

import pytest
from django.db.models import Sum

from legal_crm.billing import demo
from legal_crm.billing.models import Invoice, Payment, Refund
from legal_crm.contracts import demo as contracts_demo
from legal_crm.contracts.models import Contract
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.quality import demo as quality_demo
from legal_crm.quality.models import Complaint

from .factories import ContractFactory
from .helpers import assert_reconciled

pytestmark = pytest.mark.django_db
DEMO_PHONES = [spec[1] for spec in contracts_demo.CLIENTS]


def demo_contract(office, n: int, **fields):
    """A contract of the n-th demo client (the billing demo bills only the contracts' demo clients)."""
    return ContractFactory(office=office, client=CounterpartyFactory(phone=DEMO_PHONES[n]), **fields)


def test_demo_without_contracts_creates_nothing(make_staff):
    make_staff("admin", username="admin")
    demo.seed()
    quality_demo.seed()
    assert Invoice.objects.count() == 0 and Complaint.objects.count() == 0


def test_demo_covers_every_kind_and_status_and_is_idempotent(make_staff, office):
    make_staff("admin", username="admin")
    contracts = [demo_contract(office, n, status=Contract.Status.IN_WORK) for n in range(5)]
    contracts.append(demo_contract(office, 5, status=Contract.Status.TERMINATED))
    demo.seed()
    counts = (Invoice.objects.count(), Payment.objects.count())
    demo.seed()
    assert (Invoice.objects.count(), Payment.objects.count()) == counts
    # every kind issued by hand; the termination's debt comes only from a termination with unpaid accepted work
    # (test_terminations), and the demo's terminated client was refunded
    assert set(Invoice.objects.values_list("kind", flat=True)) == set(Invoice.MANUAL_KINDS)
    assert set(Invoice.objects.values_list("status", flat=True)) == set(Invoice.Status.values)
    assert Invoice.objects.filter(is_overdue=True).exists()
    assert Refund.objects.exists()
    for contract in contracts:
        assert_reconciled(contract)
    # the terminated client was refunded beyond the accepted work: nothing of theirs is left to pay
    assert not Invoice.objects.filter(contract=contracts[-1], status__in=Invoice.OPEN_STATUSES).exists()
    quality_demo.seed()
    quality_demo.seed()
    assert sorted(Complaint.objects.values_list("status", flat=True)) == ["closed", "in_work", "new"]


def test_demo_invoices_never_exceed_the_contracts_price(make_staff, office):
    """Every scenario on cheap contracts (a consultation at 3 000 ₽, protection at 25 000 ₽): the invoices of a
    contract (cancelled ones too) never add up to more than its price, and what was paid never exceeds them."""
    make_staff("admin", username="admin")
    prices = ["3000.00", "25000.00", "3000.00", "25000.00", "3000.00", "25000.00", "3000.00", "25000.00",
              "3000.00", "25000.00"]
    contracts = [demo_contract(office, n, status=Contract.Status.IN_WORK, price=Decimal(price))
                 for n, price in enumerate(prices)]
    contracts.append(demo_contract(office, 10, status=Contract.Status.TERMINATED, price=Decimal("25000.00")))
    demo.seed()
    for contract in contracts:
        invoices = Invoice.objects.filter(contract=contract)
        assert invoices.exists(), contract.price  # every scenario still bills the contract
        assert invoices.aggregate(s=Sum("amount"))["s"] <= contract.price
        paid = Payment.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"] or 0
        assert paid <= contract.price
        assert_reconciled(contract)
    assert Refund.objects.filter(payment__contract=contracts[-1]).exists()


def test_demo_leaves_contracts_entered_by_people_alone(make_staff, office):
    make_staff("admin", username="admin")
    entered = ContractFactory(office=office, status=Contract.Status.IN_WORK)  # not a demo client
    demo.seed()
    assert not Invoice.objects.filter(contract=entered).exists()


def test_demo_seeded_after_midnight_pays_nothing_in_the_future_and_pays_the_deposit(make_staff, office):
    """Seeded at 01:00 in Moscow, no payment is dated later that day (they were dated noon: «оплачено сегодня» counted
    money not yet paid); the deposit the case's lawyer records as paid is paid in billing too."""
    import datetime

    import time_machine
    from django.utils import timezone

    with time_machine.travel(datetime.datetime(2026, 12, 7, 22, 0, tzinfo=datetime.UTC), tick=False):
        make_staff("admin", username="admin")
        contracts = [demo_contract(office, n, status=Contract.Status.IN_WORK) for n in range(5)]
        demo.seed()
        assert not Payment.objects.filter(paid_at__gt=timezone.now()).exists()
    deposit = Invoice.objects.get(contract=contracts[0], kind=Invoice.Kind.DEPOSIT)
    assert deposit.status == Invoice.Status.PAID
