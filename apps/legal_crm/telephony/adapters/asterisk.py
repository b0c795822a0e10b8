"""Asterisk Manager Interface: a TCP line protocol (https://docs.asterisk.org/Configuration/Interfaces/
Asterisk-Manager-Interface-AMI/).

The server greets with a line ("Asterisk Call Manager/5.0.1"); every action and every answer or event is a block
of "Key: Value" lines ended by an empty line. Click-to-call is `Originate` with `Async: true` (Asterisk rings the
extension's channel and, when it answers, dials the client in the context) and our call id as `ActionID` and the
channel variable LCRM_CALL_ID — manager.conf `channelvars = LCRM_CALL_ID` puts it on every event of the call.

Events come through one long connection held by `manage.py telephony_ami_listen` (AmiListener): Newchannel (a call
starts ringing), DialBegin (an extension rings: the pop-up), BridgeEnter (talking), Hangup, and Cdr (the record
Asterisk writes when a call ends: answered or not, talk seconds). Cdr is the record of truth: a call whose live
events were lost while the listener was away is created from it. The listener reconnects with back-off.
"""

from __future__ import annotations

import datetime
import logging
import socket
import time

from django.utils.translation import gettext as _

from .base import ANSWERED, ENDED, RINGING, CallEvent, PbxAdapter, PbxError

logger = logging.getLogger("legal_crm.telephony.ami")
DEFAULT_PORT = 5038
CAUSE_BUSY = "17"
CDR_RESULTS = {"ANSWERED": "answered", "NO ANSWER": "missed", "BUSY": "busy", "FAILED": "failed",
               "CONGESTION": "failed"}


def encode(action: dict) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in action.items()).encode() + b"\r\n"


class AmiConnection:
    """One AMI session: connect, log in, send actions, read messages."""

    def __init__(self, host: str, port: int, *, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.banner = ""
        self._next_id = 0

    def connect(self) -> None:
        try:
            self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            self.banner = self._read_line()
        except OSError as exc:
            self.close()
            raise PbxError("pbx_unavailable", _("АТС недоступна: нет соединения с Asterisk (%(h)s:%(p)s).")
                           % {"h": self.host, "p": self.port}) from exc
        if not self.banner.startswith("Asterisk Call Manager"):
            self.close()
            raise PbxError("pbx_bad_answer", _("По этому адресу отвечает не Asterisk AMI."))

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None

    def _fill(self) -> None:
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            raise
        except OSError as exc:
            raise PbxError("pbx_unavailable", _("АТС разорвала соединение.")) from exc
        if not chunk:
            raise PbxError("pbx_unavailable", _("АТС разорвала соединение."))
        self.buffer += chunk

    def _read_line(self) -> str:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line.decode(errors="replace")

    def read_message(self) -> dict:
        """The next answer or event as a dict (a repeated key, like ChanVariable, keeps every value in a list
        under "<key>*")."""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        block, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        message: dict = {}
        for line in block.decode(errors="replace").split("\r\n"):
            key, sep, value = line.partition(":")
            if not sep:
                continue
            key, value = key.strip(), value.strip()
            message.setdefault(key + "*", []).append(value)
            message[key] = value
        return message

    def send(self, action: dict) -> str:
        self._next_id += 1
        action.setdefault("ActionID", f"lcrm-a{self._next_id}")
        try:
            self.sock.sendall(encode(action))
        except OSError as exc:
            raise PbxError("pbx_unavailable", _("АТС разорвала соединение.")) from exc
        return action["ActionID"]

    def request(self, action: dict) -> dict:
        """Send an action and wait for its answer (events arriving meanwhile are given to `on_event`)."""
        action_id = self.send(action)
        while True:
            message = self.read_message()
            if message.get("ActionID") == action_id and "Response" in message:
                return message
            self.on_event(message)

    def on_event(self, message: dict) -> None:  # replaced by the listener
        pass

    def login(self, username: str, secret: str, *, events: bool) -> None:
        answer = self.request({"Action": "Login", "Username": username, "Secret": secret,
                               "Events": "call,cdr" if events else "off"})
        if answer.get("Response") != "Success":
            raise PbxError("pbx_auth", _("Asterisk отказал во входе: %(m)s") % {"m": answer.get("Message", "")})


def channel_variable(message: dict, name: str) -> str:
    for value in message.get("ChanVariable*", []):
        key, _sep, val = value.partition("=")
        if key == name:
            return val
    return message.get(f"ChanVariable({name})", "")


def _endpoint(channel: str) -> str:
    """"PJSIP/101-00000002" → "101"."""
    return channel.split("/", 1)[-1].rsplit("-", 1)[0] if "/" in channel else ""


def _cdr_time(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.UTC)
    except (TypeError, ValueError):
        return datetime.datetime.now(tz=datetime.UTC)


def to_call_event(message: dict, now: datetime.datetime) -> CallEvent | None:
    """An AMI event of a call → our CallEvent, or None for what we do not follow."""
    name = message.get("Event", "")
    linked = message.get("Linkedid") or message.get("Uniqueid") or ""
    our = channel_variable(message, "LCRM_CALL_ID")
    our_id = int(our) if our.isdigit() else None
    if name == "Newchannel" and linked and message.get("Uniqueid") == linked:
        if our_id is not None:  # our Originate: the employee's extension rings first
            return CallEvent(kind=RINGING, provider_id=linked, at=now, direction="out", our_call_id=our_id,
                             extension=_endpoint(message.get("Channel", "")))
        return CallEvent(kind=RINGING, provider_id=linked, at=now, direction="in",
                         from_number=message.get("CallerIDNum", ""), to_number=message.get("Exten", ""),
                         company_number=message.get("Exten", ""))
    if name == "DialBegin" and linked and our_id is None:
        extension = message.get("DestCallerIDNum") or _endpoint(message.get("DestChannel", ""))
        return CallEvent(kind=RINGING, provider_id=linked, at=now, extension=extension)
    if name == "BridgeEnter" and linked:
        return CallEvent(kind=ANSWERED, provider_id=linked, at=now, our_call_id=our_id)
    if name == "Hangup" and linked and message.get("Uniqueid") == linked:
        busy = message.get("Cause") == CAUSE_BUSY
        return CallEvent(kind=ENDED, provider_id=linked, at=now, our_call_id=our_id, result="busy" if busy else "")
    if name == "Cdr":
        unique = message.get("UniqueID") or message.get("Uniqueid") or ""
        if not unique:
            return None
        result = CDR_RESULTS.get(message.get("Disposition", ""), "failed")
        start = _cdr_time(message.get("StartTime", ""))
        try:
            billable = int(message.get("BillableSeconds") or 0)
        except ValueError:
            billable = 0
        source, destination = message.get("Source", ""), message.get("Destination", "")
        outgoing = our_id is not None or len(source) <= 6  # an extension is short, a client's number is not
        return CallEvent(kind=ENDED, provider_id=unique, at=_cdr_time(message.get("EndTime", "")) or start,
                         direction="out" if outgoing else "in", from_number=source, to_number=destination,
                         extension=source if outgoing else _endpoint(message.get("DestinationChannel", "")),
                         result=result, duration=billable, our_call_id=our_id,
                         extra={"start": start.isoformat()})
    return None


class AsteriskAdapter(PbxAdapter):
    needs_listener = True
    can_hangup = True

    def _connection(self) -> AmiConnection:
        conn = AmiConnection(self.pbx.host, self.pbx.port or DEFAULT_PORT, timeout=self.timeout)
        conn.connect()
        return conn

    def _session(self, action: dict) -> dict:
        conn = self._connection()
        try:
            conn.login(self.pbx.login, self.pbx.secret, events=False)
            answer = conn.request(action)
            try:
                conn.request({"Action": "Logoff"})  # the "Goodbye" answer: the PBX closed the session
            except (PbxError, TimeoutError):
                pass
            return answer
        except TimeoutError as exc:
            raise PbxError("pbx_timeout", _("АТС недоступна: не ответила вовремя.")) from exc
        finally:
            conn.close()

    def originate(self, *, call, extension: str, number: str) -> str:
        answer = self._session({
            "Action": "Originate", "Channel": f"PJSIP/{extension}", "Context": self.pbx.context or "from-internal",
            "Exten": number.lstrip("+"), "Priority": "1", "CallerID": f"{number} <{number}>", "Timeout": "30000",
            "Async": "true", "Variable": f"LCRM_CALL_ID={call.pk}", "ActionID": f"lcrm-{call.pk}"})
        if answer.get("Response") != "Success":
            raise PbxError("ami_refused", _("Asterisk отказал в звонке: %(m)s") % {"m": answer.get("Message", "")})
        return ""  # the Linkedid comes with Newchannel, which carries LCRM_CALL_ID

    def hangup(self, *, call) -> None:
        if not call.provider_id:
            raise PbxError("ami_unknown_call", _("АТС ещё не сообщила номер звонка: положите трубку."))
        # The employee's channel of this call, as a regular expression (AMI 13+): hanging it up ends the call.
        answer = self._session({"Action": "Hangup", "Channel": f"/^PJSIP\\/{call.extension}-.*$/", "Cause": "16"})
        if answer.get("Response") != "Success":
            raise PbxError("ami_refused", _("Asterisk не завершил звонок: %(m)s") % {"m": answer.get("Message", "")})


class AmiListener:
    """Holds the event connection: connect, log in, read events, give each call event to `on_event`; on any
    failure wait (1, 2, 4 … `max_backoff` seconds) and connect again. After a reconnect Asterisk's Cdr events of
    calls that ended meanwhile still arrive (the CDR backend queues them): `on_event` creates what it missed."""

    def __init__(self, pbx, on_event, *, sleep=time.sleep, max_backoff: float = 30.0, timeout: float = 5.0,
                 on_status=None):
        self.pbx, self.on_event, self.sleep, self.max_backoff = pbx, on_event, sleep, max_backoff
        self.timeout = timeout
        self.on_status = on_status or (lambda ok, text: None)
        self.connects = 0

    def _handle(self, message: dict) -> None:
        event = to_call_event(message, datetime.datetime.now(tz=datetime.UTC))
        if event is not None:
            self.on_event(event)

    def run(self, stop, *, max_connects: int | None = None) -> None:
        backoff = 1.0
        while not stop.is_set():
            if max_connects is not None and self.connects >= max_connects:
                return
            self.connects += 1
            conn = AmiConnection(self.pbx.host, self.pbx.port or DEFAULT_PORT, timeout=self.timeout)
            try:
                conn.connect()
                conn.on_event = self._handle
                conn.login(self.pbx.login, self.pbx.secret, events=True)
                self.on_status(True, "")
                backoff = 1.0
                while not stop.is_set():
                    try:
                        self._handle(conn.read_message())
                    except TimeoutError:
                        continue  # quiet line: look at `stop` and read on
            except PbxError as exc:
                logger.warning("AMI %s:%s: %s", self.pbx.host, self.pbx.port, exc.message)
                self.on_status(False, exc.message)
            finally:
                conn.close()
            if stop.is_set():
                return
            self.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)
