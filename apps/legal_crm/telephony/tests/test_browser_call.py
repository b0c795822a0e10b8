"""In Chromium: the operator presses «Позвонить» on the lead card, the fake Asterisk takes the Originate, the call
window shows the ringing, then the talk with its counter (the PBX's events as the listener applies them), the
hang-up and the result form; the call lands on the lead's timeline and the planned call is closed. Then a call
from a new number pops up with «Новый номер»."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from legal_crm.telephony.adapters.base import ANSWERED, ENDED, RINGING, CallEvent
from legal_crm.telephony.models import Call, Pbx
from legal_crm.telephony.services import call_event_apply

from .conftest_helpers import give_extension

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _apply(pbx, kind, provider_id, **kw):
    """What the listener does, from the test's thread. SQLite's shared in-memory database locks a table while the
    live server's thread reads it (the window polls): such a write is tried again — for as long as the browser's own
    waits allow (30 s), not a count of tries a busy machine can use up (the suspect in its rare failures under -n 2);
    MariaDB never needs it."""
    from django.db import OperationalError

    give_up_at = time.monotonic() + 30
    while True:
        try:
            call_event_apply(pbx=pbx, event=CallEvent(kind=kind, provider_id=provider_id, at=timezone.now(), **kw))
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > give_up_at:
                raise
            time.sleep(0.05)


def test_operator_calls_a_lead_from_the_card_through_asterisk(page, live_server, make_staff, office, fake_ami, sign_in):
    from legal_crm.leads.models import PlannedCall
    from legal_crm.leads.reference import load_reference_data
    from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory

    load_reference_data()
    operator = make_staff("operator", username="call-operator")
    pbx = Pbx.objects.create(kind="asterisk", name="Asterisk", host="127.0.0.1", port=fake_ami.port, login="crm",
                             secret="ami-secret", office=office)
    give_extension(operator, pbx=pbx)
    lead = LeadFactory(office=office, name="Соколов Пётр", phone="+79160007788", assigned_to=operator)
    planned = PlannedCallFactory(lead=lead, assignee=operator)

    sign_in(page, operator)
    page.goto(live_server.url + reverse("leads_lead_card", args=[lead.pk]))
    page.click("[data-telephony-call-button] >> nth=0")
    page.wait_for_selector("#telephony-call-window[data-state=ringing]")
    assert any(a.get("Action") == "Originate" and a.get("Exten") == "79160007788" for a in fake_ami.actions)
    call = Call.objects.get(lead_id=lead.pk)

    # What the listener hears from Asterisk: the extension rings, the client answers.
    _apply(pbx, RINGING, "1764684000.5", direction="out", our_call_id=call.pk, extension="101")
    _apply(pbx, ANSWERED, "1764684000.5")
    page.wait_for_selector("#telephony-call-window[data-state=talking] [data-call-timer]")
    first = page.inner_text("[data-call-timer]")
    page.wait_for_function("t => document.querySelector('[data-call-timer]').textContent !== t", arg=first)

    # «Положить трубку» meets the desk's «Сервис временно недоступен» page (HTML, not the JSON the window reads): the
    # window says so and stays (the button did nothing before); pressed again, the hang-up reaches Asterisk.
    hangup_url = reverse("admin:telephony_call_hangup", args=[call.pk])
    page.route(f"**{hangup_url}", lambda route: route.fulfill(
        status=503, body="<h1>Сервис временно недоступен</h1>", content_type="text/html"))
    page.click("[data-call-hangup]")
    page.wait_for_selector("[data-call-notice]:has-text('Сервер не ответил. Повторите через минуту.')")
    # The next poll of the state (every second) draws the window anew: the notice is drawn again with it.
    page.evaluate("document.querySelector('[data-call-notice]').dataset.seen = '1'")
    page.wait_for_function("() => { const n = document.querySelector('[data-call-notice]'); return !n || !n.dataset.seen; }")
    assert page.is_visible("[data-call-notice]")
    page.unroute(f"**{hangup_url}")
    page.click("[data-call-hangup]")
    page.wait_for_function("() => !document.querySelector('[data-call-notice]')")
    assert any(a.get("Action") == "Hangup" for a in fake_ami.actions)

    # The next poll of the call's state meets a server that is down for a moment: the window asks again.
    refused = []

    def down_once(route):
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.fulfill(status=503, body="{}", content_type="application/json")

    page.route(f"**{reverse('admin:telephony_call_state', args=[call.pk])}", down_once)
    _apply(pbx, ENDED, "1764684000.5")
    page.wait_for_selector("#telephony-call-window[data-state=ended] form[data-call-result]")
    assert refused, "a poll met the 503"
    page.select_option("form[data-call-result] select[name=outcome]", "call_back")
    page.fill("form[data-call-result] input[name=comment]", "Просит перезвонить после зарплаты")
    page.click("form[data-call-result] button[type=submit]")
    page.wait_for_selector("text=Просит перезвонить после зарплаты")
    assert page.locator("text=Исходящий звонок: Отвечен").count() >= 1
    planned = PlannedCall.objects.get(pk=planned.pk)
    assert planned.done_at is not None and planned.result == "reached"

    # A new number calls and the operator's extension rings: the pop-up offers to make a lead.
    _apply(pbx, RINGING, "in-77", direction="in", from_number="+79160009900", to_number="74950000000")
    _apply(pbx, RINGING, "in-77", extension="101")
    page.wait_for_selector("#telephony-incoming [data-caller-new]")
    page.click("#telephony-incoming button[type=submit]")
    page.wait_for_selector("text=Входящий звонок")
    assert "/card/" in page.url
