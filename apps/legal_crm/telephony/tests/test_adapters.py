"""The PBX clients against local fake servers speaking their protocols: AMI over TCP, Mango's and Zadarma's HTTP
APIs with their signatures, including refusals, a dropped connection and an unreachable PBX."""

from __future__ import annotations

import queue
import socket
import threading

import pytest

from legal_crm.telephony.adapters import adapter_for, mango, zadarma
from legal_crm.telephony.adapters.asterisk import AmiListener, to_call_event
from legal_crm.telephony.adapters.base import ANSWERED, ENDED, RINGING, BadPayload, PbxError, SignatureError
from legal_crm.telephony.models import Pbx


class _Call:
    pk = 42
    extension = "101"
    provider_id = "1764684000.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ami_pbx(fake, **kw) -> Pbx:
    return Pbx(kind="asterisk", name="Asterisk", host="127.0.0.1", port=fake.port if fake else _free_port(),
               login=kw.get("login", "crm"), secret=kw.get("secret", "ami-secret"), context="from-internal")


# --- Asterisk AMI ---------------------------------------------------------------------------------------------

def test_ami_originate_logs_in_and_queues_an_async_originate(fake_ami):
    adapter = adapter_for(ami_pbx(fake_ami))
    assert adapter.originate(call=_Call(), extension="101", number="+79161234567") == ""
    login, originate = fake_ami.actions[0], fake_ami.actions[1]
    assert login["Action"] == "Login" and login["Events"] == "off"
    assert originate["Action"] == "Originate" and originate["Async"] == "true"
    assert originate["Channel"] == "PJSIP/101" and originate["Exten"] == "79161234567"
    assert originate["Variable"] == "LCRM_CALL_ID=42" and originate["ActionID"] == "lcrm-42"
    assert fake_ami.actions[-1]["Action"] == "Logoff"


def test_ami_wrong_secret_is_a_clear_refusal(fake_ami):
    with pytest.raises(PbxError) as exc:
        adapter_for(ami_pbx(fake_ami, secret="wrong")).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == "pbx_auth" and "Asterisk отказал во входе" in exc.value.message


def test_ami_refused_originate(fake_ami):
    fake_ami.script.append("error")
    with pytest.raises(PbxError) as exc:
        adapter_for(ami_pbx(fake_ami)).originate(call=_Call(), extension="999", number="+79161234567")
    assert exc.value.code == "ami_refused" and "Extension does not exist" in exc.value.message


def test_ami_dropped_connection_during_originate(fake_ami):
    fake_ami.script.append("drop")
    with pytest.raises(PbxError) as exc:
        adapter_for(ami_pbx(fake_ami)).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == "pbx_unavailable" and exc.value.message == "АТС разорвала соединение."


def test_ami_down_is_pbx_unavailable():
    with pytest.raises(PbxError) as exc:
        adapter_for(ami_pbx(None)).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == "pbx_unavailable" and exc.value.message.startswith("АТС недоступна")


def test_ami_hangup_sends_the_extensions_channel(fake_ami):
    adapter_for(ami_pbx(fake_ami)).hangup(call=_Call())
    hangup = fake_ami.actions[1]
    assert hangup["Action"] == "Hangup" and hangup["Channel"] == "/^PJSIP\\/101-.*$/"


def _listen(fake, stop, events, sleeps, max_connects=3):
    listener = AmiListener(ami_pbx(fake), events.put, sleep=sleeps.append, timeout=0.2)
    thread = threading.Thread(target=listener.run, args=(stop,), kwargs={"max_connects": max_connects},
                              daemon=True)
    thread.start()
    return listener, thread


def test_ami_listener_turns_events_into_call_events_and_reconnects_after_a_drop(fake_ami):
    stop, events, sleeps = threading.Event(), queue.Queue(), []
    listener, thread = _listen(fake_ami, stop, events, sleeps)
    assert fake_ami.listening.wait(5)
    fake_ami.push({"Event": "Newchannel", "Channel": "PJSIP/trunk-00000001", "CallerIDNum": "89161234567",
                   "Exten": "74951234567", "Uniqueid": "1764684000.7", "Linkedid": "1764684000.7"})
    fake_ami.push({"Event": "DialBegin", "DestChannel": "PJSIP/101-00000002", "DestCallerIDNum": "101",
                   "Uniqueid": "1764684000.7", "Linkedid": "1764684000.7"})
    ringing, dial = events.get(timeout=5), events.get(timeout=5)
    assert (ringing.kind, ringing.direction, ringing.from_number) == (RINGING, "in", "89161234567")
    assert (dial.kind, dial.extension, dial.provider_id) == (RINGING, "101", "1764684000.7")

    fake_ami.drop_listeners()  # the PBX restarts: the listener waits and connects again
    assert fake_ami.listening.wait(5)
    assert sleeps == [1.0]
    fake_ami.push({"Event": "Cdr", "UniqueID": "1764684000.7", "Source": "89161234567",
                   "Destination": "74951234567", "DestinationChannel": "PJSIP/101-00000002",
                   "Disposition": "NO ANSWER", "BillableSeconds": "0", "StartTime": "2026-12-02 10:00:00",
                   "EndTime": "2026-12-02 10:00:30"})
    cdr = events.get(timeout=5)
    assert (cdr.kind, cdr.result, cdr.extension, cdr.direction) == (ENDED, "missed", "101", "in")
    stop.set()
    fake_ami.drop_listeners()
    thread.join(5)
    assert listener.connects == 2


def test_ami_listener_backs_off_while_the_pbx_is_down():
    stop, events, sleeps = threading.Event(), queue.Queue(), []
    statuses = []
    listener = AmiListener(ami_pbx(None), events.put, sleep=sleeps.append, timeout=0.2,
                           on_status=lambda ok, text: statuses.append((ok, text)))
    listener.run(stop, max_connects=6)
    assert sleeps == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0]
    assert statuses and not statuses[0][0] and statuses[0][1].startswith("АТС недоступна")


def test_ami_our_originated_call_carries_its_id_on_events():
    import datetime

    now = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)
    first = to_call_event({"Event": "Newchannel", "Channel": "PJSIP/101-00000009", "Uniqueid": "9.1",
                           "Linkedid": "9.1", "ChanVariable": "LCRM_CALL_ID=42",
                           "ChanVariable*": ["LCRM_CALL_ID=42"]}, now)
    assert (first.kind, first.our_call_id, first.direction, first.extension) == (RINGING, 42, "out", "101")
    bridge = to_call_event({"Event": "BridgeEnter", "Uniqueid": "9.2", "Linkedid": "9.1"}, now)
    assert (bridge.kind, bridge.provider_id) == (ANSWERED, "9.1")
    assert to_call_event({"Event": "Hangup", "Uniqueid": "9.2", "Linkedid": "9.1"}, now) is None  # a second leg
    busy = to_call_event({"Event": "Hangup", "Uniqueid": "9.1", "Linkedid": "9.1", "Cause": "17"}, now)
    assert (busy.kind, busy.result) == (ENDED, "busy")


# --- Mango Office ---------------------------------------------------------------------------------------------

def mango_pbx(fake, **kw) -> Pbx:
    return Pbx(kind="mango", name="Манго", host=fake.url if fake else f"http://127.0.0.1:{_free_port()}",
               login=kw.get("login", "mango-key"), secret=kw.get("secret", "mango-salt"))


def test_mango_callback_is_signed_and_accepted(fake_mango):
    assert adapter_for(mango_pbx(fake_mango)).originate(call=_Call(), extension="101", number="+79161234567") == ""
    sent = fake_mango.received[0]
    assert sent["path"] == "/commands/callback" and sent["command_id"] == "lcrm-42"
    assert sent["from"] == {"extension": "101"} and sent["to_number"] == "79161234567"


def test_mango_wrong_salt_is_refused(fake_mango):
    with pytest.raises(PbxError) as exc:
        adapter_for(mango_pbx(fake_mango, secret="wrong")).originate(call=_Call(), extension="101",
                                                                     number="+79161234567")
    assert exc.value.code == "mango_3102" and "3102" in exc.value.message
    assert fake_mango.received == []


@pytest.mark.parametrize(("script", "code"), [("http500", "pbx_unavailable"), ("drop", "pbx_unavailable")])
def test_mango_failures(fake_mango, script, code):
    fake_mango.script.append(script)
    with pytest.raises(PbxError) as exc:
        adapter_for(mango_pbx(fake_mango)).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == code and exc.value.message.startswith("АТС недоступна")


def test_mango_down():
    with pytest.raises(PbxError) as exc:
        adapter_for(mango_pbx(None)).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == "pbx_unavailable"


def _mango_form(payload: dict, salt="mango-salt") -> dict:
    import json

    text = json.dumps(payload)
    return {"vpbx_api_key": "mango-key", "sign": mango.sign("mango-key", text, salt), "json": text}


def test_mango_webhook_signature_and_parsing():
    adapter = adapter_for(mango_pbx(None))
    form = _mango_form({"entry_id": "MTAx", "call_id": "c1", "timestamp": 1764669600, "seq": 1,
                        "call_state": "Appeared", "location": "abonent",
                        "from": {"number": "79161234567"}, "to": {"extension": "101", "line_number": "74951234567"}})
    [event] = adapter.parse_webhook(headers={}, params={**form, "_event": "call"})
    assert (event.kind, event.direction, event.extension, event.from_number) == (RINGING, "in", "101", "79161234567")
    with pytest.raises(SignatureError):
        adapter.parse_webhook(headers={}, params={**_mango_form({"entry_id": "x"}, salt="bad"),
                                                           "_event": "call"})
    with pytest.raises(BadPayload):
        adapter.parse_webhook(headers={}, params={"json": "{}", "_event": "call"})


def test_mango_recording_download(fake_mango):
    assert adapter_for(mango_pbx(fake_mango)).fetch_recording("mango:rec-1") == b"ID3fake-mp3-bytes"
    assert fake_mango.received[0]["recording_id"] == "rec-1"


# --- Zadarma --------------------------------------------------------------------------------------------------

def zadarma_pbx(fake, **kw) -> Pbx:
    return Pbx(kind="zadarma", name="Zadarma", host=fake.url if fake else f"http://127.0.0.1:{_free_port()}",
               login=kw.get("login", "zd-key"), secret=kw.get("secret", "zd-secret"))


def test_zadarma_callback_is_signed(fake_zadarma):
    adapter_for(zadarma_pbx(fake_zadarma)).originate(call=_Call(), extension="101", number="+79161234567")
    assert fake_zadarma.received == [{"path": "/v1/request/callback/", "from": "101", "to": "79161234567"}]


def test_zadarma_wrong_secret_is_refused(fake_zadarma):
    with pytest.raises(PbxError) as exc:
        adapter_for(zadarma_pbx(fake_zadarma, secret="wrong")).originate(call=_Call(), extension="101",
                                                                         number="+79161234567")
    assert exc.value.code == "pbx_auth" and fake_zadarma.received == []


def test_zadarma_dropped_connection(fake_zadarma):
    fake_zadarma.script.append("drop")
    with pytest.raises(PbxError) as exc:
        adapter_for(zadarma_pbx(fake_zadarma)).originate(call=_Call(), extension="101", number="+79161234567")
    assert exc.value.code == "pbx_unavailable"


def test_zadarma_recording_download(fake_zadarma):
    assert adapter_for(zadarma_pbx(fake_zadarma)).fetch_recording("zadarma:rec-9") == b"ID3fake-mp3-bytes"


def test_zadarma_notification_signatures():
    adapter = adapter_for(zadarma_pbx(None))
    params = {"event": "NOTIFY_END", "call_start": "2026-12-02 10:00:00", "pbx_call_id": "in_1",
              "caller_id": "+79161234567", "called_did": "74951234567", "internal": "101", "duration": "0",
              "disposition": "no answer", "is_recorded": "0"}
    good = {"Signature": zadarma.notification_sign("zd-secret", params)}
    [event] = adapter.parse_webhook(headers=good, params=params)
    assert (event.kind, event.result, event.extension, event.direction) == (ENDED, "missed", "101", "in")
    with pytest.raises(SignatureError):
        adapter.parse_webhook(headers={"Signature": "AAAA"}, params=params)
    with pytest.raises(BadPayload):
        adapter.parse_webhook(headers=good, params={"event": "NOTIFY_UNKNOWN"})
