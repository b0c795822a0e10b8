"""Billing's staff notification: invoices that became overdue tell the finance staff of their office."""

import datetime

import pytest

from legal_crm.billing.jobs import mark_overdue_invoices
from legal_crm.messaging.models import Notification

from .factories import ContractFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def test_overdue_invoices_tell_the_finance_staff_of_their_office(make_staff, office, other_office,
                                                                 django_capture_on_commit_callbacks):
    finance = make_staff("finance", offices=[office])
    other_finance = make_staff("finance", offices=[other_office])
    operator = make_staff("operator", offices=[office])
    contract = ContractFactory(office=office)
    first = InvoiceFactory(contract=contract, due_date=datetime.date(2026, 5, 1))
    second = InvoiceFactory(contract=contract, due_date=datetime.date(2026, 5, 2))
    with django_capture_on_commit_callbacks(execute=True):
        mark_overdue_invoices(today=datetime.date(2026, 5, 10))
    [note] = Notification.objects.filter(user=finance)
    assert note.kind == "billing.invoices_overdue"
    assert first.number in note.text and second.number in note.text
    assert not Notification.objects.filter(user__in=[other_finance, operator]).exists()
