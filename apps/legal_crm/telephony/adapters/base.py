"""The one interface every PBX client implements, and the normalised call event they all produce.

- `originate(call, extension, number)`: ask the PBX to ring the employee's extension and then the client; returns
  the PBX's id of the call when it names one at once (Mango, Zadarma answer later through their events), or raises
  PbxError with a Russian reason (PBX down, wrong credentials, refused).
- `hangup(call)`: end a live call where the PBX lets us (AMI, the console).
- Webhook providers parse their notifications with `parse_webhook(headers=…, params=…)` (params: the form fields) → [CallEvent], after
  checking the signature (`SignatureError`); a body they cannot read raises `BadPayload`.
Every client has timeouts on every request; originate is never retried blindly (a second ring would be a second
call to the client).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


class PbxError(Exception):
    """The PBX could not do it: `code` for the log, `message` in Russian for the person."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class SignatureError(Exception):
    pass


class BadPayload(Exception):
    pass


RINGING, ANSWERED, ENDED, RECORDING = "ringing", "answered", "ended", "recording"

ID_MAX = 100  # Call.provider_id's max_length
TALK_MAX = 86400  # seconds: no PBX reports a longer conversation; a larger figure is a broken body


def provider_text(value, what: str, *, max_length: int = ID_MAX, required: bool = True) -> str:
    """A PBX's id (of a call, a recording) as a string of at most `max_length` characters: a string, or a number
    JSON gave as one; anything else (a list, an object, a huge text) is a body we cannot read → BadPayload."""
    if value is None or value == "":
        if required:
            raise BadPayload(what)
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadPayload(what)
    text = str(value).strip()
    if (required and not text) or len(text) > max_length:
        raise BadPayload(what)
    return text


def seconds(value, what: str, *, maximum: int = TALK_MAX) -> int:
    """A count of seconds the PBX reports (talk time): 0 when absent, else a whole number from 0 to `maximum`
    (an int, or its digits in a form field) → BadPayload otherwise."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadPayload(what)
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) > maximum:
        raise BadPayload(what)
    return int(text)


@dataclass
class CallEvent:
    """One thing that happened to a call, in the PBX's words turned into ours."""

    kind: str  # ringing | answered | ended | recording
    provider_id: str
    at: datetime.datetime
    direction: str = ""  # in | out ("" — as the call already is)
    from_number: str = ""
    to_number: str = ""
    extension: str = ""  # the employee's extension that rings or talks
    company_number: str = ""  # the number of ours the client dialled (incoming)
    result: str = ""  # ended: answered | missed | busy | failed (dropped is judged by the service)
    duration: int | None = None  # talk seconds, when the PBX reports them
    recording_url: str = ""
    our_call_id: int | None = None  # our Call id, when the PBX carries it back (originate's reference)
    extra: dict = field(default_factory=dict)


class PbxAdapter:
    needs_listener = False  # AMI: events come through the listener process, not webhooks
    can_hangup = False

    def __init__(self, pbx=None, *, timeout: float | None = None):
        from django.conf import settings

        self.pbx = pbx
        self.timeout = timeout if timeout is not None else getattr(settings, "TELEPHONY_TIMEOUT", 5.0)

    def originate(self, *, call, extension: str, number: str) -> str:
        raise NotImplementedError

    def hangup(self, *, call) -> None:
        raise PbxError("hangup_unsupported", "Эта АТС не позволяет завершить звонок из CRM: положите трубку.")

    def parse_webhook(self, *, headers, params) -> list[CallEvent]:
        raise BadPayload("no webhooks")

    def fetch_recording(self, url: str) -> bytes:
        raise PbxError("no_recording", "Эта АТС не отдаёт записи разговоров.")
