"""Notifications of Mango Office and Zadarma through our URL: signed ones apply, a wrong signature is 403 and
changes nothing, junk is 400, a guessed URL is 403, a replay is harmless."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from legal_crm.telephony.adapters import mango, zadarma
from legal_crm.telephony.models import Call, Pbx
from legal_crm.telephony.webhooks import webhook_path, webhook_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def mango_pbx(office):
    return Pbx.objects.create(kind="mango", name="Манго", login="mango-key", secret="mango-salt", office=office)


@pytest.fixture
def zadarma_pbx(office):
    return Pbx.objects.create(kind="zadarma", name="Zadarma", login="zd-key", secret="zd-secret", office=office)


def _mango_url(pbx, kind="call"):
    return reverse("telephony-mango", args=[pbx.pk, webhook_token(pbx), kind])


def _mango_form(payload, salt="mango-salt"):
    text = json.dumps(payload)
    return {"vpbx_api_key": "mango-key", "sign": mango.sign("mango-key", text, salt), "json": text}


APPEARED = {"entry_id": "MTAx", "call_id": "c1", "timestamp": 1764669600, "seq": 1, "call_state": "Appeared",
            "location": "abonent", "from": {"number": "79161234567"},
            "to": {"extension": "101", "number": "74951234567", "line_number": "74951234567"}}


def test_mango_signed_events_make_the_call(client, mango_pbx):
    assert client.post(_mango_url(mango_pbx), _mango_form(APPEARED)).status_code == 200
    assert client.post(_mango_url(mango_pbx), _mango_form(APPEARED)).status_code == 200  # a replay
    summary = {"entry_id": "MTAx", "call_direction": 1, "from": {"number": "79161234567"},
               "to": {"extension": "101"}, "line_number": "74951234567", "create_time": 1764669600,
               "forward_time": 1764669601, "talk_time": 1764669610, "end_time": 1764669700, "entry_result": 1}
    assert client.post(_mango_url(mango_pbx, "summary"), _mango_form(summary)).status_code == 200
    call = Call.objects.get()
    assert (call.direction, call.client_phone, call.result, call.duration) == ("in", "+79161234567", "answered", 90)
    rec = {"entry_id": "MTAx", "recording_id": "rec-1", "timestamp": 1764669701}
    assert client.post(_mango_url(mango_pbx, "recording"), _mango_form(rec)).status_code == 200
    call.refresh_from_db()
    assert call.recording_url == "mango:rec-1"


def test_mango_wrong_signature_is_refused_and_changes_nothing(client, mango_pbx):
    response = client.post(_mango_url(mango_pbx), _mango_form(APPEARED, salt="guess"))
    assert response.status_code == 403 and not Call.objects.exists()


def test_mango_junk_is_400(client, mango_pbx):
    assert client.post(_mango_url(mango_pbx), {"foo": "bar"}).status_code == 400
    bad_json = {"vpbx_api_key": "mango-key", "sign": mango.sign("mango-key", "{not json", "mango-salt"),
                "json": "{not json"}
    assert client.post(_mango_url(mango_pbx), bad_json).status_code == 400
    assert not Call.objects.exists()


SUMMARY = {"entry_id": "E2", "talk_time": 1796000010, "end_time": 1796000030, "entry_result": 1, "from": {},
           "to": {}}


@pytest.mark.parametrize("kind, change", [
    ("summary", {"talk_time": [1]}), ("summary", {"end_time": {"a": 1}}), ("summary", {"end_time": "soon"}),
    ("summary", {"end_time": 10 ** 30}), ("summary", {"talk_time": 1}),  # a talk of 57 years
    ("summary", {"entry_id": ["x"]}), ("summary", {"entry_id": {"a": 1}}), ("summary", {"entry_id": "E" * 5000}),
    ("summary", {"entry_id": None}), ("summary", {"from": {"number": ["79161234567"]}}),
    ("summary", {"line_number": {"a": 1}}),
    ("call", {"entry_id": ["MTAx"]}), ("call", {"entry_id": "M" * 101}), ("call", {"timestamp": [1]}),
    ("call", {"call_state": ["Appeared"]}), ("call", {"to": {"extension": {"a": 1}}}),
    ("recording", {"recording_id": ["rec-1"]}), ("recording", {"entry_id": 1.5}),
    ("recording", {"recording_id": "r" * 1000}),
])
def test_mango_a_body_of_another_shape_is_400_not_500(client, mango_pbx, kind, change):
    """A field of a type or size Mango never sends is refused (a 500 makes Mango repeat the notification forever,
    and a 5000-character id would not fit the column on MariaDB); nothing is stored."""
    base = {"summary": SUMMARY, "call": APPEARED,
            "recording": {"entry_id": "MTAx", "recording_id": "rec-1", "timestamp": 1764669701}}[kind]
    payload = {**base, **change}
    response = client.post(_mango_url(mango_pbx, kind), _mango_form(payload))
    assert response.status_code == 400 and response.content == b"bad payload"
    assert not Call.objects.exists()


def test_mango_ids_of_the_longest_size_and_numeric_are_read(client, mango_pbx):
    entry = "E" * 100
    assert client.post(_mango_url(mango_pbx, "summary"), _mango_form({**SUMMARY, "entry_id": entry})).status_code \
        == 200
    assert client.post(_mango_url(mango_pbx, "summary"), _mango_form({**SUMMARY, "entry_id": 77})).status_code == 200
    assert sorted(Call.objects.values_list("provider_id", flat=True)) == ["77", entry]
    assert Call.objects.get(provider_id="77").duration == 20


def test_a_guessed_url_is_refused(client, mango_pbx):
    url = reverse("telephony-mango", args=[mango_pbx.pk, "0" * 32, "call"])
    assert client.post(url, _mango_form(APPEARED)).status_code == 403
    assert not Call.objects.exists()


def test_the_desk_shows_the_address_to_give_mango(mango_pbx):
    assert webhook_path(mango_pbx) == _mango_url(mango_pbx).rsplit("/events/", 1)[0] + "/"


def _zadarma_post(client, pbx, params, secret="zd-secret"):
    return client.post(reverse("telephony-zadarma", args=[pbx.pk, webhook_token(pbx)]), params,
                       HTTP_SIGNATURE=zadarma.notification_sign(secret, params))


def test_zadarma_echo_and_signed_notifications(client, zadarma_pbx, operator):
    url = reverse("telephony-zadarma", args=[zadarma_pbx.pk, webhook_token(zadarma_pbx)])
    assert client.get(url, {"zd_echo": "abc123"}).content == b"abc123"
    start = {"event": "NOTIFY_START", "call_start": "2026-12-02 10:00:00", "pbx_call_id": "in_1",
             "caller_id": "+79161234567", "called_did": "74951234567"}
    assert _zadarma_post(client, zadarma_pbx, start).status_code == 200
    end = {**start, "event": "NOTIFY_END", "internal": "101", "duration": "0", "disposition": "cancel",
           "is_recorded": "0"}
    assert _zadarma_post(client, zadarma_pbx, end, secret="wrong").status_code == 403
    assert Call.objects.get().state == "ringing"  # the forged end changed nothing
    assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    assert Call.objects.get().state == "ended"


def test_zadarma_click_to_call_is_matched_by_its_first_notification(client, zadarma_pbx, operator, fake_zadarma):
    from legal_crm.leads.tests.factories import LeadFactory
    from legal_crm.telephony.models import SipAccount

    zadarma_pbx.host = fake_zadarma.url
    zadarma_pbx.save()
    SipAccount.objects.create(employee=operator.employee, pbx=zadarma_pbx, extension="101")
    lead = LeadFactory(office=zadarma_pbx.office, phone="+79161234567")
    client.force_login(operator)
    started = client.post(reverse("admin:telephony_call_start"), {"subject": "lead", "id": lead.pk},
                          HTTP_ACCEPT="application/json").json()
    assert started["state"] == "ringing"
    from django.utils import timezone

    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    out = {"event": "NOTIFY_OUT_START", "call_start": now, "pbx_call_id": "out_9", "internal": "101",
           "destination": "79161234567"}
    client.logout()
    assert _zadarma_post(client, zadarma_pbx, out).status_code == 200
    call = Call.objects.get()
    assert call.pk == started["id"] and call.provider_id == "out_9"


@pytest.mark.parametrize("change", [
    {"duration": "99999999999999999999"}, {"duration": "-500"}, {"duration": "86401"}, {"duration": "1.5"},
    {"duration": "abc"}, {"pbx_call_id": "i" * 101}, {"call_id_with_rec": "r" * 401, "is_recorded": "1"},
])
def test_zadarma_an_end_of_another_shape_is_400_not_500(client, zadarma_pbx, operator, change):
    """A talk time that is not a whole number of seconds within a day, or an id longer than its column, is refused
    (a 500 makes Zadarma repeat the notification forever); the call stays as it was."""
    start = {"event": "NOTIFY_START", "call_start": "2026-12-02 10:00:00", "pbx_call_id": "in_1",
             "caller_id": "+79161234567", "called_did": "74951234567"}
    assert _zadarma_post(client, zadarma_pbx, start).status_code == 200
    end = {**start, "event": "NOTIFY_END", "internal": "101", "duration": "60", "disposition": "answered",
           "is_recorded": "0", **change}
    response = _zadarma_post(client, zadarma_pbx, end)
    assert response.status_code == 400 and response.content == b"bad payload"
    assert Call.objects.get().state == "ringing"


def _ago(seconds_):
    from django.utils import timezone

    return (timezone.now() - datetime.timedelta(seconds=seconds_)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def zadarma_line(operator, zadarma_pbx):
    from legal_crm.telephony.models import CompanyNumber, SipAccount

    SipAccount.objects.create(employee=operator.employee, pbx=zadarma_pbx, extension="101")
    return CompanyNumber.objects.create(number="+74951234567", office=zadarma_pbx.office)


@pytest.mark.parametrize("disposition, result", [("no answer", "missed"), ("cancel", "missed"), ("busy", "busy")])
def test_zadarma_a_missed_call_that_rang_is_missed_not_dropped(client, zadarma_pbx, zadarma_line, disposition,
                                                                result, django_capture_on_commit_callbacks):
    """NOTIFY_END's call_start is the call's start: the end is when the notification comes, so a call that rang 30
    seconds is «пропущенный» (its lead too), not «сорвавшийся» with no wait."""
    from legal_crm.leads.models import Lead

    start = {"event": "NOTIFY_START", "call_start": _ago(30), "pbx_call_id": "in_2", "caller_id": "+79161234567",
             "called_did": "74951234567"}
    assert _zadarma_post(client, zadarma_pbx, start).status_code == 200
    end = {**start, "event": "NOTIFY_END", "internal": "101", "duration": "0", "disposition": disposition,
           "is_recorded": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    call = Call.objects.get()
    assert (call.state, call.result) == ("ended", result)
    assert 29 <= call.wait_seconds <= 40 and call.ended_at > call.started_at
    assert Lead.objects.get(phone="+79161234567").type.code == "missed_call"


def test_zadarma_a_call_that_ended_in_its_first_seconds_is_still_dropped(client, zadarma_pbx, zadarma_line):
    start = {"event": "NOTIFY_START", "call_start": _ago(1), "pbx_call_id": "in_3", "caller_id": "+79161234567",
             "called_did": "74951234567"}
    assert _zadarma_post(client, zadarma_pbx, start).status_code == 200
    end = {**start, "event": "NOTIFY_END", "internal": "101", "duration": "0", "disposition": "cancel",
           "is_recorded": "0"}
    assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    assert Call.objects.get().result == "dropped"


@pytest.mark.parametrize("events", [("NOTIFY_START", "NOTIFY_ANSWER"), ("NOTIFY_START",), ()])
def test_zadarma_an_answered_call_is_answered_after_it_began(client, zadarma_pbx, zadarma_line, events):
    """With or without NOTIFY_START / NOTIFY_ANSWER, the answer lies between the start and the end, and the end is
    not the start: a 60-second talk of a call that began 100 seconds ago was answered about 40 seconds in."""
    from django.utils import timezone

    start = {"call_start": _ago(100), "pbx_call_id": "in_4", "caller_id": "+79161234567",
             "called_did": "74951234567", "internal": "101"}
    for name in events:  # NOTIFY_ANSWER names the extension that answered as its destination
        params = {**start, "event": name, **({"destination": "101"} if name == "NOTIFY_ANSWER" else {})}
        assert _zadarma_post(client, zadarma_pbx, params).status_code == 200
    end = {**start, "event": "NOTIFY_END", "duration": "60", "disposition": "answered", "is_recorded": "0"}
    assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    call = Call.objects.get()
    assert (call.state, call.result, call.duration) == ("ended", "answered", 60)
    assert call.started_at <= call.answered_at <= call.ended_at <= timezone.now()
    assert 90 <= (call.ended_at - call.started_at).total_seconds() <= 110
    if events != ("NOTIFY_START", "NOTIFY_ANSWER"):  # the answer known only from the end's talk time
        assert 30 <= call.wait_seconds <= 50


def test_zadarma_an_end_whose_talk_outruns_our_clock_is_answered_at_the_start(client, zadarma_pbx, zadarma_line):
    """The PBX's clock ahead of ours: a 60-second talk of a call begun «10 seconds ago» ends at start + 60, and its
    answer is never put before the start."""
    end = {"event": "NOTIFY_END", "call_start": _ago(10), "pbx_call_id": "in_5", "caller_id": "+79161234567",
           "called_did": "74951234567", "internal": "101", "duration": "60", "disposition": "answered",
           "is_recorded": "0"}
    assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    call = Call.objects.get()
    assert call.answered_at >= call.started_at and (call.ended_at - call.started_at).total_seconds() == 60


def test_zadarma_a_long_click_to_call_whose_start_was_lost_is_ended_on_its_click(client, zadarma_pbx, operator,
                                                                                 fake_zadarma):
    """NOTIFY_OUT_START lost, the call lasted 12 minutes: NOTIFY_OUT_END arrives long after the click, and is
    matched by the call's start it carries (within minutes of the click), not by its own arrival."""
    import time_machine

    from legal_crm.leads.tests.factories import LeadFactory
    from legal_crm.telephony.models import SipAccount

    clicked = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)
    zadarma_pbx.host = fake_zadarma.url
    zadarma_pbx.save()
    SipAccount.objects.create(employee=operator.employee, pbx=zadarma_pbx, extension="101")
    lead = LeadFactory(office=zadarma_pbx.office, phone="+79161234567")
    client.force_login(operator)
    with time_machine.travel(clicked, tick=False):
        started = client.post(reverse("admin:telephony_call_start"), {"subject": "lead", "id": lead.pk},
                              HTTP_ACCEPT="application/json").json()
    client.logout()
    end = {"event": "NOTIFY_OUT_END", "call_start": "2026-12-02 10:00:20", "pbx_call_id": "out_77",
           "internal": "101", "destination": "79161234567", "duration": "700", "disposition": "answered",
           "is_recorded": "0"}
    with time_machine.travel(clicked + datetime.timedelta(minutes=12, seconds=5), tick=False):
        assert _zadarma_post(client, zadarma_pbx, end).status_code == 200
    call = Call.objects.get()  # no second call made of the end
    assert call.pk == started["id"] and call.provider_id == "out_77"
    assert (call.state, call.result, call.duration) == ("ended", "answered", 700)
