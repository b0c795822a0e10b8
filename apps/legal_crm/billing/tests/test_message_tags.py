"""The message tags contracts and billing answer (hooks.MESSAGE_TAGS): contract number, amount due, next payment
date — for a recipient naming its contract, its client or its lead — in bulk, with constant queries."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm.billing.models import InstalmentSchedule, Invoice, ScheduleItem
from legal_crm.contracts.models import Contract
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.messaging.tags import Recipient, render, render_many

from .factories import ContractFactory, InvoiceFactory

pytestmark = pytest.mark.django_db
TEXT = "{contract_number}|{amount_due}|{next_payment_date}"
TODAY = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_contracts_number_amount_due_and_next_payment(office):
    contract = ContractFactory(office=office, number="МСК-2026-00042")
    InvoiceFactory(contract=contract, amount=Decimal("10000.00"), paid_amount=Decimal("2500.00"),
                   status=Invoice.Status.PARTIALLY_PAID, due_date=datetime.date(2026, 12, 5))
    InvoiceFactory(contract=contract, amount=Decimal("3000.00"), paid_amount=Decimal("3000.00"),
                   status=Invoice.Status.PAID, due_date=datetime.date(2026, 11, 1))
    schedule = InstalmentSchedule.objects.create(contract=contract, total=Decimal("20000.00"), months=2,
                                                 first_due_date=datetime.date(2026, 11, 25))
    ScheduleItem.objects.create(schedule=schedule, seq=1, due_date=datetime.date(2026, 11, 25),
                                amount=Decimal("10000.00"))
    ScheduleItem.objects.create(schedule=schedule, seq=2, due_date=datetime.date(2026, 12, 25),
                                amount=Decimal("10000.00"))
    by_contract = Recipient("+79161234567", contract_id=contract.pk)
    assert render(TEXT, by_contract) == "МСК-2026-00042|7\u00a0500,00\u00a0₽|25.11.2026"


def test_the_contract_of_a_client_or_lead_is_the_one_being_worked_on(office):
    lead = LeadFactory(office=office)
    old = ContractFactory(office=office, number="МСК-2025-00001", status=Contract.Status.COMPLETED, lead=lead)
    current = ContractFactory(office=office, client=old.client, number="МСК-2026-00007",
                              status=Contract.Status.IN_WORK, lead=lead)
    ContractFactory(office=office, client=old.client, number="МСК-2026-00009", status=Contract.Status.DRAFT)
    InvoiceFactory(contract=current, amount=Decimal("5000.00"), due_date=datetime.date(2026, 11, 18))
    assert render_many(TEXT, [Recipient("+79160000001", counterparty_id=old.client_id),
                              Recipient("+79160000002", lead_id=lead.pk),
                              Recipient("+79160000003", contract_id=old.pk),
                              Recipient("+79160000004")]) == [
        "МСК-2026-00007|5\u00a0000,00\u00a0₽|18.11.2026",  # an overdue invoice: to pay now
        "МСК-2026-00007|5\u00a0000,00\u00a0₽|18.11.2026",
        "МСК-2025-00001|0,00\u00a0₽|",
        "||",  # nothing to say about: empty, never the tag as typed
    ]


def _queries(recipients) -> int:
    with CaptureQueriesContext(connection) as captured:
        render_many(TEXT + " {name} {office_address}", recipients)
    return len(captured)


def test_rendering_for_10_or_200_recipients_takes_the_same_queries(office, django_assert_num_queries):
    contracts = [ContractFactory(office=office) for _ in range(3)]
    for contract in contracts:
        InvoiceFactory(contract=contract)

    def people(n):
        return [Recipient(f"+7916{i:07d}", f"Клиент {i}", office.pk,
                          **({"contract_id": contracts[i % 3].pk} if i % 2 else
                             {"counterparty_id": contracts[i % 3].client_id}))
                for i in range(n)]

    few = _queries(people(10))
    with django_assert_num_queries(few):
        rendered = render_many(TEXT + " {name} {office_address}", people(200))
    assert len(rendered) == 200 and rendered[199].startswith(contracts[199 % 3].number + "|10\u00a0000,00")
