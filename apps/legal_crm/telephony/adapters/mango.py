"""Mango Office virtual PBX (VPBX API, https://www.mango-office.ru/support/api/).

Every request and every notification is a form with `vpbx_api_key`, `sign` and `json`, where
sign = sha256(vpbx_api_key + json + vpbx_api_salt) in hex. Click-to-call is `commands/callback` (Mango rings the
extension, then the number); the call's course comes as notifications to `<our url>/events/call`
(call_state Appeared / Connected / Disconnected, grouped by entry_id), `/events/summary` (the call's outcome) and
`/events/recording` (a recording is ready; downloaded through `queries/recording/post`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

from django.utils.translation import gettext as _

from .base import (
    ANSWERED,
    ENDED,
    RECORDING,
    RINGING,
    TALK_MAX,
    BadPayload,
    CallEvent,
    PbxAdapter,
    PbxError,
    SignatureError,
    provider_text,
)
from .http import request_bytes, request_json

DEFAULT_URL = "https://app.mango-office.ru/vpbx"
OK = 1000


def sign(api_key: str, payload: str, salt: str) -> str:
    return hashlib.sha256(f"{api_key}{payload}{salt}".encode()).hexdigest()


def _at(ts) -> datetime.datetime:
    try:
        return datetime.datetime.fromtimestamp(int(ts), tz=datetime.UTC)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadPayload("timestamp") from exc


def _stamp(value, what: str) -> int:
    """A unix time of a notification's field, 0 when absent; BadPayload for anything but a time (a list, an
    object, a number no calendar holds)."""
    if value is None or value == "" or value == 0:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadPayload(what)
    try:
        number = int(value)
    except ValueError as exc:
        raise BadPayload(what) from exc
    _at(number)
    return number


def _our_id(command_id) -> int | None:
    text = command_id if isinstance(command_id, str) else ""
    digits = text[5:]
    return int(digits) if text.startswith("lcrm-") and digits.isascii() and digits.isdigit() and len(digits) <= 18 \
        else None


def _number(party: dict, *keys: str) -> str:
    """The first of a party's numbers given (a phone, an extension, a line): a string or a number, else BadPayload."""
    for key in keys:
        text = provider_text(party.get(key), key, max_length=200, required=False)
        if text:
            return text
    return ""


class MangoAdapter(PbxAdapter):
    def _url(self, path: str) -> str:
        return ((self.pbx.host if self.pbx and self.pbx.host.startswith("http") else "") or DEFAULT_URL
                ).rstrip("/") + path

    def _form(self, payload: dict) -> dict:
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return {"vpbx_api_key": self.pbx.login, "sign": sign(self.pbx.login, text, self.pbx.secret), "json": text}

    def originate(self, *, call, extension: str, number: str) -> str:
        answer = request_json("POST", self._url("/commands/callback"), timeout=self.timeout, data=self._form({
            "command_id": f"lcrm-{call.pk}", "from": {"extension": extension}, "to_number": number.lstrip("+")}))
        result = int(answer.get("result") or 0)
        if result != OK:
            raise PbxError(f"mango_{result}", _("Манго Офис отказал в звонке (код %(c)s).") % {"c": result})
        return ""  # the entry_id comes with the first notification, which carries our command_id

    def parse_webhook(self, *, headers, params) -> list[CallEvent]:
        key, given, text = params.get("vpbx_api_key", ""), params.get("sign", ""), params.get("json", "")
        if not (key and given and text):
            raise BadPayload("vpbx_api_key, sign and json are required")
        expected = sign(self.pbx.login, text, self.pbx.secret)
        if not (hmac.compare_digest(key, self.pbx.login) and hmac.compare_digest(given.lower(), expected)):
            raise SignatureError("mango sign")
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadPayload("json") from exc
        if not isinstance(data, dict):
            raise BadPayload("json")
        event = params.get("_event", "call")
        if event == "call":
            return self._call_event(data)
        if event == "summary":
            return self._summary(data)
        if event == "recording":
            return self._recording(data)
        return []  # other notifications (dtmf, sms…) are not ours to follow

    @staticmethod
    def _parties(data: dict) -> tuple[dict, dict]:
        src, dst = data.get("from") or {}, data.get("to") or {}
        if not isinstance(src, dict) or not isinstance(dst, dict):
            raise BadPayload("from/to")
        return src, dst

    def _call_event(self, data: dict) -> list[CallEvent]:
        entry = provider_text(data.get("entry_id"), "entry_id")
        state = data.get("call_state")
        if not isinstance(state, str) or state not in ("Appeared", "Connected", "Disconnected", "OnHold"):
            raise BadPayload("call_state")
        src, dst = self._parties(data)
        outgoing = bool(src.get("extension")) or _our_id(data.get("command_id")) is not None
        kind = {"Appeared": RINGING, "Connected": ANSWERED, "OnHold": ANSWERED, "Disconnected": ENDED}[state]
        return [CallEvent(
            kind=kind, provider_id=entry, at=_at(data.get("timestamp")), direction="out" if outgoing else "in",
            from_number=_number(src, "number", "extension"), to_number=_number(dst, "number", "extension"),
            extension=_number(src if outgoing else dst, "extension"), company_number=_number(dst, "line_number"),
            our_call_id=_our_id(data.get("command_id")))]

    def _summary(self, data: dict) -> list[CallEvent]:
        entry = provider_text(data.get("entry_id"), "entry_id")
        src, dst = self._parties(data)
        talk, end = _stamp(data.get("talk_time"), "talk_time"), _stamp(data.get("end_time"), "end_time")
        answered = str(data.get("entry_result")) == "1"
        duration = max(end - talk, 0) if (answered and talk and end) else 0
        if duration > TALK_MAX:
            raise BadPayload("talk_time")
        return [CallEvent(
            kind=ENDED, provider_id=entry, at=_at(end or data.get("create_time")),
            direction={"1": "in", "2": "out"}.get(str(data.get("call_direction")), ""),
            from_number=_number(src, "number", "extension"), to_number=_number(dst, "number", "extension"),
            extension=_number(dst, "extension") or _number(src, "extension"),
            company_number=_number(data, "line_number"), result="answered" if answered else "missed",
            duration=duration)]

    def _recording(self, data: dict) -> list[CallEvent]:
        entry = provider_text(data.get("entry_id"), "entry_id")
        rec = provider_text(data.get("recording_id"), "recording_id", max_length=400)
        return [CallEvent(kind=RECORDING, provider_id=entry, at=_at(data.get("timestamp") or 0),
                          recording_url=f"mango:{rec}")]

    def fetch_recording(self, url: str) -> bytes:
        rec = url.removeprefix("mango:")
        return request_bytes("POST", self._url("/queries/recording/post"), timeout=self.timeout * 6,
                             data=self._form({"recording_id": rec, "action": "download"}))
