"""Zadarma (https://zadarma.com/ru/support/api/).

API requests carry `Authorization: <key>:<sign>`, sign = base64(hex(HMAC-SHA1(secret, method_path + query +
md5(query)))) with the parameters sorted and URL-encoded. Click-to-call is `GET /v1/request/callback/` (from = the
extension, to = the client). The PBX notifies our URL with form posts (NOTIFY_START, NOTIFY_INTERNAL,
NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_START, NOTIFY_OUT_END, NOTIFY_RECORD) signed in the `Signature` header:
base64(hex(HMAC-SHA1(secret, the event's own fields joined))). A GET with `zd_echo` checks the URL.

Every notification's `call_start` is the time the call began, NOTIFY_ANSWER's and NOTIFY_END's too (NOTIFY_END adds
`duration`, the talk seconds, and `disposition`); neither names when it was answered or ended. Those two are sent as
they happen, so they are stamped with the time we receive them, as the other PBXs' live events are (never before the
call's start, nor an end before start + talk): the service then judges a missed call against a dropped one by its
real ringing time, and answered_at = ended_at − talk.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from .base import (
    ANSWERED,
    ENDED,
    RECORDING,
    RINGING,
    BadPayload,
    CallEvent,
    PbxAdapter,
    PbxError,
    SignatureError,
    provider_text,
    seconds,
)
from .http import request_bytes, request_json

DEFAULT_URL = "https://api.zadarma.com"
CALLBACK_PATH = "/v1/request/callback/"
RECORD_PATH = "/v1/pbx/record/request/"

# The fields each notification is signed with, in order.
SIGNED_FIELDS = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
RESULTS = {"answered": "answered", "busy": "busy", "cancel": "missed", "no answer": "missed", "failed": "failed",
           "no money": "failed", "unallocated number": "failed", "no limit": "failed", "no day limit": "failed",
           "line limit": "failed", "no money, no limit": "failed"}


def hmac_b64(secret: str, data: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest().encode()).decode()


def api_sign(secret: str, method_path: str, params: dict) -> str:
    query = urlencode(sorted(params.items()))
    return hmac_b64(secret, method_path + query + hashlib.md5(query.encode()).hexdigest())


def notification_sign(secret: str, params: dict) -> str:
    fields = SIGNED_FIELDS[params.get("event", "")]
    return hmac_b64(secret, "".join(str(params.get(f, "")) for f in fields))


def _at(text: str) -> datetime.datetime:
    try:  # "2026-12-02 14:00:00", the PBX's time (UTC in the account's settings we ask for)
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.UTC)
    except (TypeError, ValueError) as exc:
        raise BadPayload("call_start") from exc


class ZadarmaAdapter(PbxAdapter):
    def _base(self) -> str:
        return ((self.pbx.host if self.pbx and self.pbx.host.startswith("http") else "") or DEFAULT_URL).rstrip("/")

    def _get(self, path: str, params: dict) -> dict:
        headers = {"Authorization": f"{self.pbx.login}:{api_sign(self.pbx.secret, path, params)}"}
        return request_json("GET", self._base() + path, timeout=self.timeout, params=sorted(params.items()),
                            headers=headers)

    def originate(self, *, call, extension: str, number: str) -> str:
        answer = self._get(CALLBACK_PATH, {"from": extension, "to": number.lstrip("+")})
        if answer.get("status") != "success":
            raise PbxError("zadarma_refused", _("Zadarma отказала в звонке: %(m)s")
                           % {"m": str(answer.get("message") or "—")[:200]})
        return ""  # the pbx_call_id comes with NOTIFY_OUT_START

    def parse_webhook(self, *, headers, params) -> list[CallEvent]:
        event = params.get("event", "")
        if event not in SIGNED_FIELDS:
            raise BadPayload("event")
        given = headers.get("Signature", "")
        if not given or not hmac.compare_digest(given, notification_sign(self.pbx.secret, params)):
            raise SignatureError("zadarma signature")
        pid = provider_text(params.get("pbx_call_id"), "pbx_call_id")
        rec = provider_text(params.get("call_id_with_rec"), "call_id_with_rec", max_length=400,
                            required=event == "NOTIFY_RECORD")
        now = datetime.datetime.now(tz=datetime.UTC)
        if event == "NOTIFY_RECORD":
            return [CallEvent(kind=RECORDING, provider_id=pid, at=now, recording_url=f"zadarma:{rec}")]
        start = _at(params.get("call_start", ""))
        duration = seconds(params.get("duration"), "duration") if event in ("NOTIFY_END", "NOTIFY_OUT_END") else 0
        if event in ("NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_OUT_START"):
            at = start
        else:  # answered or ended now; an end never before start + talk (the PBX's clock a little ahead of ours)
            at = max(now, start + datetime.timedelta(seconds=duration))
        internal = str(params.get("internal") or "")
        if event in ("NOTIFY_OUT_START", "NOTIFY_OUT_END"):
            common = {"provider_id": pid, "at": at, "extra": {"start": start.isoformat()}, "direction": "out",
                      "from_number": internal,
                      "to_number": str(params.get("destination") or ""), "extension": internal}
        else:
            common = {"provider_id": pid, "at": at, "extra": {"start": start.isoformat()}, "direction": "in",
                      "from_number": str(params.get("caller_id") or ""),
                      "to_number": str(params.get("called_did") or params.get("destination") or ""),
                      "extension": internal, "company_number": str(params.get("called_did") or "")}
        if event in ("NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_OUT_START"):
            return [CallEvent(kind=RINGING, **common)]
        if event == "NOTIFY_ANSWER":
            return [CallEvent(kind=ANSWERED, **common)]
        disposition = str(params.get("disposition") or "").lower()
        result = RESULTS.get(disposition, "failed")
        return [CallEvent(kind=ENDED, result=result, duration=duration if result == "answered" else 0,
                          recording_url=f"zadarma:{rec}" if rec and params.get("is_recorded") == "1" else "",
                          **common)]

    def fetch_recording(self, url: str) -> bytes:
        answer = self._get(RECORD_PATH, {"call_id": url.removeprefix("zadarma:")})
        link = answer.get("link") or (answer.get("links") or [None])[0]
        if answer.get("status") != "success" or not link:
            raise PbxError("zadarma_no_record", _("Zadarma не отдала запись разговора."))
        return request_bytes("GET", link, timeout=self.timeout * 6)
