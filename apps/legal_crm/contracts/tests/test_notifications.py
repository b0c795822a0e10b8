"""Contracts' staff notifications: a contract signed in my office, a termination's answer date near."""

import datetime

import pytest

from legal_crm.contracts.handlers_notifications import on_contract_signed
from legal_crm.contracts.jobs_notifications import notify_termination_deadlines
from legal_crm.contracts.models import TerminationRequest
from legal_crm.messaging.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(office):
    from legal_crm.billing.tests.factories import ContractFactory

    return ContractFactory(office=office)


def test_the_office_heads_are_told_of_a_contract_signed_in_their_office(make_staff, office, other_office, contract):
    head = make_staff("office_head", offices=[office])
    elsewhere = make_staff("office_head", offices=[other_office])
    sales = make_staff("sales", offices=[office])
    on_contract_signed(contract_id=contract.pk, actor_id=sales.pk)
    on_contract_signed(contract_id=contract.pk, actor_id=sales.pk)  # the event retried
    assert [n.user for n in Notification.objects.all()] == [head]
    assert contract.number in Notification.objects.get().title
    assert not Notification.objects.filter(user__in=[elsewhere, sales]).exists()


def test_a_termination_answer_date_near_tells_the_office_heads_once(make_staff, office, contract):
    head = make_staff("office_head", offices=[office])
    today = datetime.date(2026, 6, 1)
    near = TerminationRequest.objects.create(contract=contract, received_on=today, reason="Дорого",
                                             decision_due_on=today + datetime.timedelta(days=2))
    TerminationRequest.objects.create(contract=contract, received_on=today, reason="Переезд",
                                      decision_due_on=today + datetime.timedelta(days=20))  # far
    assert notify_termination_deadlines(today=today) == 1
    assert notify_termination_deadlines(today=today) == 0  # run twice
    [note] = Notification.objects.filter(user=head)
    assert (note.kind, note.subject_id) == ("contracts.termination_deadline", str(near.pk))
