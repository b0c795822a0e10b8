"""«Позвонить» everywhere a person's phone is: the client card (directory's page, extended by telephony), the
planned-calls list and the contract card — one button and one call window."""

from __future__ import annotations

import pytest
from django.urls import reverse

from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory
from legal_crm.telephony.models import Call

from .conftest_helpers import T0, give_extension

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _card(client, card):
    return client.get(reverse("admin:directory_counterparty_change", args=[card.pk])).content.decode()


def test_client_card_calls_through_the_same_call_window(client, operator, office, other_office):
    card = CounterpartyFactory(phone="+79165550123")
    LeadFactory(office=office, phone=card.phone, client=card)  # the card is seen by the office of its lead
    give_extension(operator)
    client.force_login(operator)
    html = _card(client, card)
    assert 'data-telephony-call-subject="client"' in html and f'data-telephony-call-id="{card.pk}"' in html

    data = client.post(reverse("admin:telephony_call_start"), {"subject": "client", "id": card.pk}, **JSON).json()
    call = Call.objects.get(pk=data["id"])
    assert (call.client_phone, call.counterparty_id, call.office_id, call.direction) == (
        "+79165550123", card.pk, office.pk, "out")
    assert data["state_url"] == reverse("admin:telephony_call_state", args=[call.pk])
    client.post(data["hangup_url"], **JSON)
    assert "Исходящий" in _card(client, card)  # the card's last calls

    foreign = CounterpartyFactory(phone="+79165550124")
    LeadFactory(office=other_office, phone=foreign.phone, client=foreign)
    refused = client.post(reverse("admin:telephony_call_start"), {"subject": "client", "id": foreign.pk}, **JSON)
    assert refused.status_code == 404 and not Call.objects.filter(client_phone=foreign.phone).exists()


def test_no_call_button_without_a_phone_or_the_right(client, operator, make_staff, office):
    silent = CounterpartyFactory(phone="")
    LeadFactory(office=office, client=silent)
    client.force_login(operator)
    assert "data-telephony-call-subject" not in _card(client, silent)
    card = CounterpartyFactory(phone="+79165550125")
    LeadFactory(office=office, phone=card.phone, client=card)
    client.force_login(make_staff("lawyer"))
    html = _card(client, card)
    assert card.name in html and "data-telephony-call-subject" not in html and "Последние звонки" not in html


def test_planned_calls_list_has_the_button_for_open_calls_only(client, operator, office):
    lead = LeadFactory(office=office)
    open_call = PlannedCallFactory(lead=lead, assignee=operator)
    done = PlannedCallFactory(lead=lead, assignee=operator, done_at=T0, result="reached")
    client.force_login(operator)
    html = client.get(reverse("admin:leads_plannedcall_changelist")).content.decode()
    assert f'data-telephony-call-subject="planned_call" data-telephony-call-id="{open_call.pk}"' in html
    assert f'data-telephony-call-id="{done.pk}"' not in html
