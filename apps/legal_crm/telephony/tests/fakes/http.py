"""Local fake Mango Office and Zadarma APIs on 127.0.0.1, checking the real signatures.

Mango: POST /commands/callback and /queries/recording/post, forms signed sha256(key + json + salt); a wrong sign
answers {"result": 3102}. Zadarma: GET /v1/request/callback/ and /v1/pbx/record/request/ with
`Authorization: key:sign`; a wrong sign answers 401. `fake.script` scripts the next command: "http500" or "drop"
(the connection closed without an answer). `fake.received` lists the commands that reached the server.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from legal_crm.telephony.adapters import mango, zadarma


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, payload, status=200, content_type="application/json"):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def _dispatch(self):
        fake = self.server.fake
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        form = {}
        if self.command == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        script = None
        with fake.lock:
            if fake.script and url.path != "/record.mp3":
                script = fake.script.pop(0)
        if script == "http500":
            self._answer({"error": "internal"}, status=500)
            return
        if script == "drop":
            self.connection.shutdown(2)
            self.close_connection = True
            return
        fake.handle(self, url.path, query, form)


class _FakeHttp:
    def __init__(self):
        self.lock = threading.Lock()
        self.script: list[str] = []
        self.received: list[dict] = []
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
        self.httpd.shutdown()
        self.httpd.server_close()


RECORDING = b"ID3fake-mp3-bytes"


class FakeMango(_FakeHttp):
    def __init__(self, *, api_key: str = "mango-key", salt: str = "mango-salt"):
        super().__init__()
        self.api_key, self.salt = api_key, salt

    def handle(self, handler, path, query, form):
        good = (form.get("vpbx_api_key") == self.api_key
                and form.get("sign") == mango.sign(self.api_key, form.get("json", ""), self.salt))
        if not good:
            handler._answer({"result": 3102})  # Mango: wrong sign
            return
        payload = json.loads(form["json"])
        with self.lock:
            self.received.append({"path": path, **payload})
        if path == "/commands/callback":
            handler._answer({"result": 1000})
        elif path == "/queries/recording/post":
            handler._answer(RECORDING, content_type="audio/mpeg")
        else:
            handler._answer({"result": 4001}, status=404)


class FakeZadarma(_FakeHttp):
    def __init__(self, *, key: str = "zd-key", secret: str = "zd-secret"):
        super().__init__()
        self.key, self.secret = key, secret

    def handle(self, handler, path, query, form):
        if path == "/record.mp3":
            handler._answer(RECORDING, content_type="audio/mpeg")
            return
        expected = f"{self.key}:{zadarma.api_sign(self.secret, path, query)}"
        if handler.headers.get("Authorization") != expected:
            handler._answer({"status": "error", "message": "Not authorized"}, status=401)
            return
        with self.lock:
            self.received.append({"path": path, **query})
        if path == zadarma.CALLBACK_PATH:
            if not query.get("to", "").isdigit():
                handler._answer({"status": "error", "message": "Wrong number"})
                return
            handler._answer({"status": "success", "from": query["from"], "to": query["to"], "time": 1764684000})
        elif path == zadarma.RECORD_PATH:
            handler._answer({"status": "success", "link": f"{self.url}/record.mp3", "lifetime_till": "2026-12-03"})
        else:
            handler._answer({"status": "error", "message": "Wrong method"}, status=404)
