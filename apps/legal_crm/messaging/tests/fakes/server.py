"""Local fake SMS providers on 127.0.0.1 that speak SMS.ru's and SMSC.ru's HTTP protocols, failures included.

`fake.fail_next(kind, ...)` scripts the next send answer: ("code", n) a provider error code, ("http500",),
("drop",) close the connection without an answer, ("hang", seconds) answer too late. `fake.received` lists every
send request that reached the server (counting what a worker really sent); `block_at=n` makes the n-th send
wait (after it was received and counted) until `release()`, touching `signal_file` so a test can kill the client.

The other way round, a fake calls us as its provider would: `incoming(...)` builds a client's incoming message
(SMSC's signed form, GreenAPI's webhook with its Bearer token, a Telegram update) and `deliver(url, request)` POSTs
it over HTTP to our callback URL (a live server) — `request` is (form, json, headers).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSMS/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, as the real providers: the outbox reuses its connections

    def setup(self):
        super().setup()
        with self.server.fake.lock:
            self.server.fake.connections.add(self.connection)

    def finish(self):
        super().finish()
        with self.server.fake.lock:
            self.server.fake.connections.discard(self.connection)

    def log_message(self, *args):  # quiet
        pass

    def _params(self) -> dict:
        params = {k: v[-1] for k, v in parse_qs(urlparse(self.path).query).items()}
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if len(raw) < length:
                # The client died halfway through its body (a killed worker): a real provider never takes a cut
                # request, so neither does the fake — it was counted as a message with no text.
                raise ConnectionAbortedError("incomplete request body")
            body = raw.decode()
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                params.update(json.loads(body or "{}"))
            else:
                params.update({k: v[-1] for k, v in parse_qs(body).items()})
        return params

    def _answer(self, payload, status=200):
        body = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client is gone (killed): nothing to answer

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        fake = self.server.fake
        path = urlparse(self.path).path
        try:
            params = self._params()
        except ConnectionAbortedError:
            self.close_connection = True
            return
        route = fake.route(path)
        if route is None:
            self._answer({"error": "not found"}, status=404)
            return
        if route == "unauthorized":
            self._answer({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
            return
        if route == "cost" or (route == "send" and str(params.get("cost")) == "1"):
            with fake.lock:
                fake.cost_requests.append(params)
            self._answer(fake.cost(params))
            return
        if route == "send":
            with fake.lock:
                script = fake.script.pop(0) if fake.script else None
            if script and script[0] == "http500":
                self._answer({"error": "internal"}, status=500)
                return
            if script and script[0] == "drop":
                with fake.lock:
                    fake.received.append(params)  # it reached the provider, which took it; the answer is lost
                fake.accept(params)
                self.connection.shutdown(2)
                self.close_connection = True
                return
            if script and script[0] == "hang":
                with fake.lock:
                    fake.received.append(params)
                time.sleep(script[1])
                self._answer(fake.accept(params))
                return
            if script and script[0] == "code":
                answer = fake.error(script[1], params)
                if not isinstance(answer, tuple):
                    answer = (answer, 200)
                self._answer(*answer)
                return
            with fake.lock:
                fake.received.append(params)
                count = len(fake.received)
            if fake.block_at and count == fake.block_at:
                if fake.signal_file:
                    fake.signal_file.write_text("blocked")
                fake.released.wait(60)
            self._answer(fake.accept(params))
            return
        self._answer(fake.status(params))


class FakeProvider:
    def __init__(self, *, block_at: int | None = None, signal_file=None):
        self.lock = threading.Lock()
        self.script: list[tuple] = []
        self.received: list[dict] = []
        self.cost_requests: list[dict] = []  # price questions (SMS.ru /sms/cost, SMSC cost=1): nothing sent
        self.accepted: dict[str, dict] = {}  # provider id → params
        self.states: dict[str, int] = {}  # provider id → status code to report
        self.block_at = block_at
        self.signal_file = signal_file
        self.released = threading.Event()
        self.connections: set = set()  # open keep-alive connections, closed by stop()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        with self.lock:
            open_ones = list(self.connections)
        for conn in open_ones:  # a client's pooled connection must not outlive this server (its port may be reused)
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def release(self):
        self.released.set()

    def route(self, path: str):
        return self.routes().get(path)

    def fail_next(self, *script):
        with self.lock:
            self.script.append(script)

    @staticmethod
    def segments(text: str) -> int:
        """SMS parts as operators count them: GSM-7 160 (153 per part), otherwise UCS-2 70 (67 per part)."""
        gsm = all(ord(ch) < 128 for ch in text)
        single, part = (160, 153) if gsm else (70, 67)
        return 1 if len(text) <= single else -(-len(text) // part)

    def texts(self) -> list[str]:
        return [p.get("msg") or p.get("mes") or p.get("message") or p.get("text") for p in self.received]

    @staticmethod
    def deliver(url: str, request: tuple[dict | None, dict | None, dict]):
        """POST a callback the provider makes (an incoming message, a report) to our URL; returns the response."""
        import requests

        form, body, headers = request
        return requests.post(url, data=form, json=body, headers=headers, timeout=10)


class FakeSmsRu(FakeProvider):
    TEXTS = {200: "Неправильный api_id", 201: "Не хватает средств на лицевом счету",
             207: "На этот номер нельзя отправлять сообщения", 220: "Сервис временно недоступен",
             204: "Имя отправителя не согласовано"}

    PRICE = "3.49"  # per part

    def routes(self):
        return {"/sms/send": "send", "/sms/status": "status", "/sms/cost": "cost"}

    def cost(self, params):
        if params.get("api_id") == "wrong-key":
            return {"status": "ERROR", "status_code": 200, "status_text": self.TEXTS[200]}
        to, parts = params.get("to", ""), self.segments(params.get("msg", ""))
        total = f"{float(self.PRICE) * parts:.2f}"
        return {"status": "OK", "status_code": 100, "total_cost": total, "total_sms": parts,
                "sms": {to: {"status": "OK", "status_code": 100, "cost": total, "sms": parts}}}

    def accept(self, params):
        with self.lock:
            sms_id = f"000000-{len(self.accepted) + 1:08d}"
            self.accepted[sms_id] = params
        to = params.get("to", "")
        return {"status": "OK", "status_code": 100, "balance": 100.0,
                "sms": {to: {"status": "OK", "status_code": 100, "sms_id": sms_id, "cost": "3.49", "sms": 1}}}

    def error(self, code, params):
        text = self.TEXTS.get(code, f"Ошибка {code}")
        if code == 207:  # a per-number refusal inside an accepted request
            return {"status": "OK", "status_code": 100,
                    "sms": {params.get("to", ""): {"status": "ERROR", "status_code": 207, "status_text": text}}}
        return {"status": "ERROR", "status_code": code, "status_text": text}

    def status(self, params):
        sms_id = params.get("sms_id", "")
        if sms_id not in self.accepted:
            return {"status": "OK", "status_code": 100,
                    "sms": {sms_id: {"status": "ERROR", "status_code": -1, "status_text": "Сообщение не найдено"}}}
        code = self.states.get(sms_id, 103)
        return {"status": "OK", "status_code": 100,
                "sms": {sms_id: {"status": "OK", "status_code": code, "status_text": f"state {code}", "cost": "3.49"}}}


class FakeSmsc(FakeProvider):
    TEXTS = {1: "parameters error", 2: "authorise error", 3: "no money", 6: "message is denied",
             7: "invalid number", 9: "duplicate request"}
    PASSWORD = "secret-pass-1234"

    def incoming(self, phone: str, text: str, *, sms_id: int = 7001, to: str = "79990000000",
                 password: str | None = None) -> tuple[dict, None, dict]:
        """An SMS a client sent to our number, as SMSC POSTs it: signed md5("<id>:<phone>:<mes>:<password>")."""
        import hashlib

        sent = int(time.time())
        sign = hashlib.md5(f"{sms_id}:{phone}:{text}:{password or self.PASSWORD}".encode()).hexdigest()
        return ({"id": str(sms_id), "phone": phone, "mes": text, "to": to, "sent": str(sent), "time": str(sent),
                 "md5": sign}, None, {})

    PRICE = "2.10"  # per part

    def routes(self):
        return {"/sys/send.php": "send", "/sys/status.php": "status"}

    def cost(self, params):
        if params.get("login") != "shop" or params.get("psw") != "secret-pass-1234":
            return {"error": "authorise error", "error_code": 2}
        parts = self.segments(params.get("mes", ""))
        return {"cost": f"{float(self.PRICE) * parts:.2f}", "cnt": parts}

    def accept(self, params):
        with self.lock:
            self.accepted[params.get("id", "")] = params
        return {"id": int(params.get("id") or 0), "cnt": 1, "cost": "2.10", "balance": "100.00"}

    def error(self, code, params):
        return {"error": self.TEXTS.get(code, "error"), "error_code": code, "id": int(params.get("id") or 0)}

    def status(self, params):
        if params.get("login") != "shop" or params.get("psw") != "secret-pass-1234":
            return {"error": "authorise error", "error_code": 2}
        msg_id = params.get("id", "")
        if msg_id not in self.accepted:
            return {"status": -3, "err": 0}
        return {"status": self.states.get(msg_id, 1), "last_date": "02.12.2026 12:00:00", "err": 0}


class FakeGreenApi(FakeProvider):
    """GreenAPI: /waInstance{id}/sendMessage/{token} and /getMessage/{token}; instance 1101 with token "tok-1234"."""

    def incoming(self, phone: str, text: str, *, webhook_token: str, id_message: str = "BAE5F4886F6F2D05",
                 instance: int = 1101, extended: bool = False) -> tuple[None, dict, dict]:
        """The incomingMessageReceived webhook of a client's WhatsApp message (webhookUrlToken as a Bearer)."""
        chat = f"{phone.lstrip('+')}@c.us"
        data = ({"typeMessage": "extendedTextMessage", "extendedTextMessageData": {"text": text}} if extended else
                {"typeMessage": "textMessage", "textMessageData": {"textMessage": text}})
        body = {"typeWebhook": "incomingMessageReceived",
                "instanceData": {"idInstance": instance, "wid": "79990000000@c.us", "typeInstance": "whatsapp"},
                "timestamp": int(time.time()), "idMessage": id_message,
                "senderData": {"chatId": chat, "sender": chat, "senderName": "Клиент"}, "messageData": data}
        return None, body, {"Authorization": f"Bearer {webhook_token}"}

    def route(self, path):
        import re

        found = re.fullmatch(r"/waInstance(\d+)/(sendMessage|getMessage)/([^/]+)", path)
        if not found:
            return None
        if found.group(1) != "1101" or found.group(3) != "tok-1234":
            return "unauthorized"
        return "send" if found.group(2) == "sendMessage" else "status"

    def accept(self, params):
        with self.lock:
            msg_id = f"3EB0{len(self.accepted) + 1:016X}"
            self.accepted[msg_id] = params
        return {"idMessage": msg_id}

    def error(self, code, params):
        texts = {400: "Validation failed: chatId", 466: "Correspondents quota exceeded", 429: "Too Many Requests"}
        return {"message": texts.get(code, "error")}, code

    def status(self, params):
        msg_id = params.get("idMessage", "")
        if msg_id not in self.accepted:
            return {"message": "message not found"}
        return {"idMessage": msg_id, "statusMessage": self.states.get(msg_id, "delivered")}


class FakeTelegram(FakeProvider):
    """The Bot API: /bot{token}/sendMessage, getUpdates (updates queued by `push_update`, those below the asked
    offset forgotten as Telegram does), setWebhook (after which getUpdates answers 409); the token "123:tok-1234"."""

    TOKEN_PATH = "/bot123:tok-1234/"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.updates: list[dict] = []
        self.webhook: dict | None = None

    def route(self, path):
        if path == f"{self.TOKEN_PATH}sendMessage":
            return "send"
        if path in (f"{self.TOKEN_PATH}getUpdates", f"{self.TOKEN_PATH}setWebhook"):
            return path.rsplit("/", 1)[1]  # answered by status(): the base server sends every other route there
        return "unauthorized" if path.rsplit("/", 1)[-1] in ("sendMessage", "getUpdates", "setWebhook") else None

    def push_update(self, chat_id, text, *, username="employee") -> dict:
        with self.lock:
            update = {"update_id": 1000 + len(self.updates), "message": {
                "message_id": len(self.updates) + 1, "text": text, "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "username": username}}}
            self.updates.append(update)
        return update

    def status(self, params):
        if "url" in params:  # setWebhook
            with self.lock:
                self.webhook = params
            return {"ok": True, "result": True}
        if self.webhook:
            return {"ok": False, "error_code": 409, "description": "Conflict: can't use getUpdates while webhook is active"}
        offset = int(params.get("offset") or 0)
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            return {"ok": True, "result": list(self.updates)}

    def accept(self, params):
        with self.lock:
            self.accepted[str(len(self.accepted) + 1)] = params
        return {"ok": True, "result": {"message_id": len(self.accepted), "chat": {"id": params.get("chat_id")},
                                       "text": params.get("text")}}

    def error(self, code, params):
        texts = {400: "Bad Request: chat not found", 403: "Forbidden: bot was blocked by the user",
                 429: "Too Many Requests: retry after 5"}
        answer = {"ok": False, "error_code": code, "description": texts.get(code, "error")}
        if code == 429:
            answer["parameters"] = {"retry_after": 5}
        return answer, code
