"""A local fake payment gateway on 127.0.0.1 speaking YooKassa's API v3: create a payment (Basic auth, an
Idempotence-Key that returns the same payment for a repeated request), read it, a checkout page where the
«client» pays or cancels, and the notification (webhook) it then sends to the shop's URL.

`fake.created` counts POSTs that created a payment; `fake.notify(id, event)` sends a notification by hand (a
repeated or reordered one); `fake.fail_next = 500` answers the next API call with that status.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import requests


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeYooKassa/1.0"

    def log_message(self, *args):
        pass

    def _json(self, payload, status=200):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _authorised(self) -> bool:
        fake = self.server.fake
        expected = "Basic " + base64.b64encode(f"{fake.shop_id}:{fake.secret_key}".encode()).decode()
        return self.headers.get("Authorization") == expected

    def do_GET(self):
        fake, path = self.server.fake, urlparse(self.path).path
        if path.startswith("/checkout/"):
            pid = path.rsplit("/", 1)[-1]
            if pid not in fake.payments:
                return self._json({"type": "error", "code": "not_found"}, 404)
            page = (f"<!doctype html><html lang=ru><meta charset=utf-8><title>Оплата</title>"
                    f"<h1>Тестовая оплата {fake.payments[pid]['amount']['value']} ₽</h1>"
                    f"<form method=post action='/checkout/{pid}'><button name=result value=pay>Оплатить</button>"
                    f"<button name=result value=cancel>Отказаться</button></form>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return None
        if not self._authorised():
            return self._json({"type": "error", "code": "invalid_credentials"}, 401)
        if fake.fail_next:
            status, fake.fail_next = fake.fail_next, None
            return self._json({"type": "error", "code": "internal_server_error"}, status)
        if path.startswith("/v3/payments/"):
            pid = path.rsplit("/", 1)[-1]
            fake.reads += 1
            if pid not in fake.payments:
                return self._json({"type": "error", "code": "not_found", "description": "Payment not found"}, 404)
            return self._json(fake.payments[pid])
        return self._json({"type": "error", "code": "not_found"}, 404)

    def do_POST(self):
        fake, path = self.server.fake, urlparse(self.path).path
        if path.startswith("/checkout/"):
            pid = path.rsplit("/", 1)[-1]
            result = parse_qs(self._body().decode()).get("result", ["pay"])[0]
            payment = fake.payments.get(pid)
            if payment is None:
                return self._json({"type": "error", "code": "not_found"}, 404)
            if result == "pay":
                fake.succeed(pid)
            else:
                fake.cancel(pid)
            self.send_response(302)
            self.send_header("Location", fake.return_urls[pid])
            self.end_headers()
            return None
        if not self._authorised():
            return self._json({"type": "error", "code": "invalid_credentials"}, 401)
        if fake.fail_next:
            status, fake.fail_next = fake.fail_next, None
            return self._json({"type": "error", "code": "internal_server_error"}, status)
        if path != "/v3/payments":
            return self._json({"type": "error", "code": "not_found"}, 404)
        key = self.headers.get("Idempotence-Key")
        if not key:
            return self._json({"type": "error", "code": "invalid_request",
                               "description": "Idempotence-Key header is required"}, 400)
        body = json.loads(self._body() or b"{}")
        with fake.lock:
            if key in fake.by_key:
                return self._json(fake.payments[fake.by_key[key]])
            pid = str(uuid.uuid4())
            fake.created += 1
            fake.payments[pid] = {
                "id": pid, "status": "pending", "paid": False, "amount": body["amount"],
                "confirmation": {"type": "redirect", "confirmation_url": f"{fake.url}/checkout/{pid}"},
                "description": body.get("description", ""), "metadata": body.get("metadata", {}),
                "created_at": "2026-11-20T10:00:00.000Z", "test": True,
            }
            fake.by_key[key] = pid
            fake.return_urls[pid] = body["confirmation"]["return_url"]
        return self._json(fake.payments[pid])


class FakeYooKassa:
    shop_id = "123456"
    secret_key = "test_secret"

    def __init__(self):
        self.payments: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.return_urls: dict[str, str] = {}
        self.created = 0
        self.reads = 0
        self.fail_next: int | None = None
        self.webhook_url: str | None = None
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeYooKassa:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def settings(self, **extra) -> dict:
        return {"shop_id": self.shop_id, "secret_key": self.secret_key, "base_url": f"{self.url}/v3",
                "webhook_ips": ["127.0.0.1/32"], **extra}

    def succeed(self, pid: str, *, notify: bool = True) -> None:
        payment = self.payments[pid]
        payment.update(status="succeeded", paid=True, captured_at="2026-11-20T10:01:00.000Z")
        if notify:
            self.notify(pid, "payment.succeeded")

    def cancel(self, pid: str, *, notify: bool = True) -> None:
        self.payments[pid].update(status="canceled", paid=False)
        if notify:
            self.notify(pid, "payment.canceled")

    def notify(self, pid: str, event: str, *, object_override: dict | None = None) -> int | None:
        if not self.webhook_url:
            return None
        payload = {"type": "notification", "event": event, "object": object_override or self.payments[pid]}
        return requests.post(self.webhook_url, json=payload, timeout=10).status_code
