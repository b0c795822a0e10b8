"""Click-to-call, the call window's endpoints, incoming calls and what leads make of them."""

from __future__ import annotations

import datetime
import socket

import pytest
import time_machine
from django.urls import reverse

from legal_crm.leads.models import Lead
from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory, status
from legal_crm.telephony.adapters.base import ANSWERED, ENDED, RINGING
from legal_crm.telephony.models import Call, CompanyNumber, Pbx
from legal_crm.telephony.services import call_event_apply

from .conftest_helpers import T0, event, give_extension

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _start(client, subject, pk):
    return client.post(reverse("admin:telephony_call_start"), {"subject": subject, "id": pk}, **JSON)


@pytest.fixture
def lead(office):
    return LeadFactory(office=office, phone="+79161234567")


def test_lead_card_has_the_call_button(client, operator, lead):
    client.force_login(operator)
    html = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert 'data-telephony-call' in html and 'name="subject" value="lead"' in html


def test_click_to_call_on_the_console_pbx_talks_ends_and_lands_on_the_timeline(
        client, operator, lead, django_capture_on_commit_callbacks):
    give_extension(operator)
    planned = PlannedCallFactory(lead=lead, assignee=operator)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, "planned_call", planned.pk)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "talking" and data["phone"].startswith("+7 916")
    call = Call.objects.get(pk=data["id"])
    assert (call.direction, call.extension, call.client_phone, call.lead_id, call.planned_call_id) == (
        "out", "101", "+79161234567", lead.pk, planned.pk)
    assert client.get(data["state_url"]).json()["state"] == "talking"

    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(data["hangup_url"], **JSON).json()
    assert ended["state"] == "ended" and ended["result"] == "answered"
    planned.refresh_from_db()
    assert planned.done_at is not None and planned.result == "reached"  # the planned call it answered is closed

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(data["result_url"], {"outcome": "call_back", "comment": "Перезвонить вечером"}, **JSON)
    assert saved.status_code == 200 and saved.json()["outcome"] == "call_back"
    html = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert "Исходящий звонок: Отвечен" in html and "Перезвонить вечером" in html


def test_result_closes_an_unanswered_planned_call_with_the_chosen_outcome(
        client, operator, lead, django_capture_on_commit_callbacks):
    pbx = Pbx.objects.create(kind="zadarma", name="Zadarma", login="k", secret="s" * 10, office=lead.office)
    give_extension(operator, pbx=pbx)
    planned = PlannedCallFactory(lead=lead, assignee=operator)
    call = Call.objects.create(pbx=pbx, office=lead.office, direction="out", employee=operator.employee,
                               extension="101", client_phone=lead.phone, started_at=T0, lead_id=lead.pk,
                               planned_call_id=planned.pk, provider_id="out_1")
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=pbx, event=event(ENDED, "out_1", 30, direction="out", result="missed"))
    planned.refresh_from_db()
    assert planned.done_at is None  # nobody answered: the employee says what happened
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:telephony_call_result", args=[call.pk]), {"outcome": "no_answer"}, **JSON)
    planned.refresh_from_db()
    assert planned.result == "no_answer" and planned.done_at is not None


def test_click_to_call_without_an_extension_is_a_clear_message(client, operator, lead):
    client.force_login(operator)
    response = _start(client, "lead", lead.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "no_extension" and "внутренний номер" in response.json()["detail"]
    assert not Call.objects.exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pbx_down_is_a_russian_message_not_a_500(client, operator, lead):
    pbx = Pbx.objects.create(kind="asterisk", name="Asterisk", host="127.0.0.1", port=_closed_port(), login="crm",
                             secret="ami-secret", office=lead.office)
    give_extension(operator, pbx=pbx)
    client.force_login(operator)
    response = _start(client, "lead", lead.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "pbx_unavailable" and response.json()["detail"].startswith("АТС недоступна")
    call = Call.objects.get()
    assert (call.state, call.result) == ("ended", "failed")
    pbx.refresh_from_db()
    assert pbx.last_error.startswith("АТС недоступна")


def test_without_js_the_button_redirects_back_with_the_message(client, operator, lead):
    client.force_login(operator)
    back = reverse("leads_lead_card", args=[lead.pk])
    response = client.post(reverse("admin:telephony_call_start"), {"subject": "lead", "id": lead.pk, "next": back},
                           follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "внутренний номер" in response.content.decode()


def test_another_offices_lead_is_not_found(client, operator, other_office):
    give_extension(operator)
    foreign = LeadFactory(office=other_office)
    client.force_login(operator)
    assert _start(client, "lead", foreign.pk).status_code == 404
    assert not Call.objects.exists()


def test_a_role_without_the_right_is_refused(client, make_staff, lead):
    finance = make_staff("finance")
    give_extension(finance)
    client.force_login(finance)
    assert _start(client, "lead", lead.pk).status_code in (403, 404)
    assert client.get(reverse("admin:telephony_call_live")).status_code == 403
    assert client.get(reverse("admin:telephony_call_stats")).status_code == 403
    assert not Call.objects.exists()


def test_anothers_call_window_is_not_found(client, operator, make_staff, lead, office):
    other = make_staff("operator")
    call = Call.objects.create(office=office, direction="out", employee=other.employee, started_at=T0,
                               client_phone=lead.phone)
    client.force_login(operator)
    assert client.get(reverse("admin:telephony_call_state", args=[call.pk])).status_code == 404
    assert client.post(reverse("admin:telephony_call_hangup", args=[call.pk])).status_code == 404
    assert client.post(reverse("admin:telephony_call_result", args=[call.pk]), {"outcome": "reached"}).status_code \
        == 404


def test_another_offices_call_is_not_found_in_the_log(client, operator, other_office):
    call = Call.objects.create(office=other_office, direction="in", client_phone="+79160000000", started_at=T0)
    client.force_login(operator)
    assert client.get(reverse("admin:telephony_call_change", args=[call.pk])).status_code == 404


# --- Asterisk: the events of a click-to-call -----------------------------------------------------------------

def test_asterisk_events_carry_our_call_through_ringing_talking_ended(office, operator, fake_ami,
                                                                      django_capture_on_commit_callbacks):
    from legal_crm.telephony.services import call_start

    pbx = Pbx.objects.create(kind="asterisk", name="Asterisk", host="127.0.0.1", port=fake_ami.port, login="crm",
                             secret="ami-secret", office=office)
    give_extension(operator, pbx=pbx)
    lead = LeadFactory(office=office)
    with time_machine.travel(T0, tick=False):
        call = call_start(actor=operator, phone=lead.phone, office_id=office.pk, lead_id=lead.pk)
    assert call.state == "ringing" and fake_ami.actions[1]["Action"] == "Originate"
    call_event_apply(pbx=pbx, event=event(RINGING, "1764684000.1", 0, direction="out", our_call_id=call.pk,
                                          extension="101"))
    call_event_apply(pbx=pbx, event=event(ANSWERED, "1764684000.1", 8))
    call.refresh_from_db()
    assert (call.provider_id, call.state, call.wait_seconds) == ("1764684000.1", "talking", 8)
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=pbx, event=event(ENDED, "1764684000.1", 68))
        # The Cdr comes after the Hangup: its talk time is the record, and it ends nothing twice.
        call_event_apply(pbx=pbx, event=event(ENDED, "1764684000.1", 69, result="answered", duration=59))
    call.refresh_from_db()
    assert (call.state, call.result, call.duration) == ("ended", "answered", 59)
    assert Call.objects.count() == 1


# --- Incoming calls ------------------------------------------------------------------------------------------

@pytest.fixture
def moscow_number(office):
    return CompanyNumber.objects.create(number="+74951234567", office=office)


def _incoming(pbx, pid, phone, extension="101"):
    call_event_apply(pbx=pbx, event=event(RINGING, pid, 0, direction="in", from_number=phone,
                                          to_number="74951234567", company_number="74951234567"))
    call_event_apply(pbx=pbx, event=event(RINGING, pid, 1, extension=extension))
    return Call.objects.get(provider_id=pid)


def test_incoming_call_pops_up_for_the_ringing_extension_with_new_number(client, operator, moscow_number):
    give_extension(operator)
    call = _incoming(None, "in-1", "8 (916) 555-00-11")
    assert (call.employee, call.client_phone, call.office_id) == (operator.employee, "+79165550011",
                                                                  moscow_number.office_id)
    client.force_login(operator)
    with time_machine.travel(T0 + datetime.timedelta(seconds=5), tick=False):
        [row] = client.get(reverse("admin:telephony_call_live")).json()["calls"]
    assert row["direction"] == "in" and row["cards"] == []
    assert row["new_lead_url"] == reverse("leads_lead_from_call", args=[call.pk])


def test_incoming_call_from_a_known_lead_shows_its_card(client, operator, moscow_number, office):
    give_extension(operator)
    known = LeadFactory(office=office, phone="+79165550011", name="Иван Петров")
    _incoming(None, "in-2", "+7 916 555 00 11")
    client.force_login(operator)
    with time_machine.travel(T0 + datetime.timedelta(seconds=5), tick=False):
        [row] = client.get(reverse("admin:telephony_call_live")).json()["calls"]
    assert row["cards"][0]["title"] == "Иван Петров"
    assert row["cards"][0]["url"] == reverse("leads_lead_card", args=[known.pk])


def test_one_click_creates_an_incoming_call_lead(client, operator, moscow_number):
    give_extension(operator)
    call = _incoming(None, "in-3", "+79165550012")
    client.force_login(operator)
    response = client.post(reverse("leads_lead_from_call", args=[call.pk]))
    lead = Lead.objects.get(phone="+79165550012")
    assert response.status_code == 302 and response["Location"] == reverse("leads_lead_card", args=[lead.pk])
    assert lead.type.code == "incoming_call"
    call.refresh_from_db()
    assert call.lead_id == lead.pk
    client.post(reverse("leads_lead_from_call", args=[call.pk]))  # a second click opens the same lead
    assert Lead.objects.filter(phone="+79165550012").count() == 1


def test_missed_call_makes_a_missed_call_lead_for_an_operator(operator, moscow_number, office,
                                                              django_capture_on_commit_callbacks):
    give_extension(operator)
    _incoming(None, "in-4", "+79165550013")
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=None, event=event(ENDED, "in-4", 30))
    call = Call.objects.get(provider_id="in-4")
    assert (call.result, call.wait_seconds) == ("missed", 30)
    lead = Lead.objects.get(phone="+79165550013")
    assert lead.type.code == "missed_call" and call.lead_id == lead.pk
    assert lead.office == office and lead.assigned_to == operator
    with django_capture_on_commit_callbacks(execute=True):  # the PBX repeats itself: nothing new
        call_event_apply(pbx=None, event=event(ENDED, "in-4", 31))
    assert Lead.objects.filter(phone="+79165550013").count() == 1


def test_call_dropped_in_the_first_seconds(operator, moscow_number, django_capture_on_commit_callbacks):
    give_extension(operator)
    _incoming(None, "in-5", "+79165550014")
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=None, event=event(ENDED, "in-5", 2))
    assert Call.objects.get(provider_id="in-5").result == "dropped"
    assert Lead.objects.get(phone="+79165550014").type.code == "dropped_call"


def test_missed_call_of_a_refused_lead_reopens_it(operator, moscow_number, office,
                                                  django_capture_on_commit_callbacks):
    refused = LeadFactory(office=office, phone="+79165550015", status=status("refusal_not_ready"))
    with django_capture_on_commit_callbacks(execute=True):
        _incoming(None, "in-6", "+79165550015")
        call_event_apply(pbx=None, event=event(ENDED, "in-6", 40))
    refused.refresh_from_db()
    assert refused.status.is_initial and Lead.objects.filter(phone="+79165550015").count() == 1
    assert Call.objects.get(provider_id="in-6").lead_id == refused.pk


def test_answered_call_of_a_known_lead_joins_it(operator, moscow_number, office, django_capture_on_commit_callbacks):
    give_extension(operator)
    known = LeadFactory(office=office, phone="+79165550016")
    with django_capture_on_commit_callbacks(execute=True):
        _incoming(None, "in-7", "+79165550016")
        call_event_apply(pbx=None, event=event(ANSWERED, "in-7", 5))
        call_event_apply(pbx=None, event=event(ENDED, "in-7", 125))
    call = Call.objects.get(provider_id="in-7")
    assert (call.result, call.duration, call.lead_id) == ("answered", 120, known.pk)
    assert Lead.objects.filter(phone="+79165550016").count() == 1


def test_cdr_of_a_call_missed_while_the_listener_was_away_is_recorded(operator, moscow_number,
                                                                     django_capture_on_commit_callbacks):
    give_extension(operator)
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=None, event=event(ENDED, "cdr-1", 30, direction="in", from_number="89165550017",
                                               to_number="74951234567", extension="101", result="missed",
                                               duration=0, extra={"start": T0.isoformat()}))
    call = Call.objects.get(provider_id="cdr-1")
    assert (call.result, call.employee, call.client_phone) == ("missed", operator.employee, "+79165550017")
    assert Lead.objects.get(phone="+79165550017").type.code == "missed_call"


def test_click_to_call_from_the_contract_card(client, make_staff, office, other_office):
    from legal_crm.billing.tests.factories import ContractFactory

    sales = make_staff("sales")
    give_extension(sales)
    contract = ContractFactory(office=office, sales_manager=sales)
    contract.client.phone = "+79165550099"
    contract.client.save()
    client.force_login(sales)
    html = client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).content.decode()
    assert 'name="subject" value="contract"' in html
    data = _start(client, "contract", contract.pk).json()
    call = Call.objects.get(pk=data["id"])
    assert (call.client_phone, call.contract_id, call.counterparty_id) == ("+79165550099", contract.pk,
                                                                           contract.client_id)
    foreign = ContractFactory(office=other_office)
    assert _start(client, "contract", foreign.pk).status_code == 404


def test_a_call_from_the_card_answers_the_users_open_planned_call(client, operator, lead,
                                                                  django_capture_on_commit_callbacks):
    give_extension(operator)
    mine = PlannedCallFactory(lead=lead, assignee=operator)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        data = _start(client, "lead", lead.pk).json()
        client.post(data["hangup_url"], **JSON)
    mine.refresh_from_db()
    assert Call.objects.get(pk=data["id"]).planned_call_id == mine.pk and mine.result == "reached"


def test_a_call_never_reported_ended_stops_popping_up(client, operator, moscow_number):
    give_extension(operator)
    _incoming(None, "in-lost", "+79165550018")
    client.force_login(operator)
    with time_machine.travel(T0 + datetime.timedelta(hours=5), tick=False):
        assert client.get(reverse("admin:telephony_call_live")).json()["calls"] == []
