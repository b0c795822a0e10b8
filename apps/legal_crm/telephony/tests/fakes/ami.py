"""A local fake Asterisk Manager Interface on 127.0.0.1: the banner, Login (checks the secret), Originate
(answers "queued"), Hangup, Logoff; event sessions (Login with Events on) get what the test `push()`es.

`fake.script` scripts the next Originate: "drop" closes the connection without an answer, "error" answers
Response: Error. `fake.actions` lists every action received; `fake.drop_listeners()` cuts the event sessions
(a PBX restart), and `fake.listening` is set while an event session is logged in.
"""

from __future__ import annotations

import socket
import socketserver
import threading

BANNER = b"Asterisk Call Manager/5.0.1\r\n"


def block(fields: dict) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        fake = self.server.fake
        sock = self.request
        sock.sendall(BANNER)
        buffer = b""
        logged_in = False
        while True:
            while b"\r\n\r\n" not in buffer:
                try:
                    chunk = sock.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    fake.forget(sock)
                    return
                buffer += chunk
            raw, buffer = buffer.split(b"\r\n\r\n", 1)
            action = {}
            for line in raw.decode().split("\r\n"):
                key, _sep, value = line.partition(":")
                action[key.strip()] = value.strip()
            with fake.lock:
                fake.actions.append(action)
            name, action_id = action.get("Action", ""), action.get("ActionID", "")
            if name == "Login":
                if action.get("Username") != fake.username or action.get("Secret") != fake.secret:
                    sock.sendall(block({"Response": "Error", "ActionID": action_id,
                                        "Message": "Authentication failed"}))
                    return
                logged_in = True
                sock.sendall(block({"Response": "Success", "ActionID": action_id,
                                    "Message": "Authentication accepted"}))
                if action.get("Events", "off") != "off":
                    fake.listen(sock)
                continue
            if not logged_in:
                sock.sendall(block({"Response": "Error", "ActionID": action_id, "Message": "Permission denied"}))
                continue
            if name == "Originate":
                script = fake.script.pop(0) if fake.script else None
                if script == "drop":
                    sock.shutdown(socket.SHUT_RDWR)
                    return
                if script == "error":
                    sock.sendall(block({"Response": "Error", "ActionID": action_id,
                                        "Message": "Extension does not exist."}))
                    continue
                sock.sendall(block({"Response": "Success", "ActionID": action_id,
                                    "Message": "Originate successfully queued"}))
                continue
            if name == "Logoff":
                sock.sendall(block({"Response": "Goodbye", "ActionID": action_id,
                                    "Message": "Thanks for all the fish."}))
                return
            sock.sendall(block({"Response": "Success", "ActionID": action_id}))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeAmi:
    def __init__(self, *, username: str = "crm", secret: str = "ami-secret"):
        self.username, self.secret = username, secret
        self.lock = threading.Lock()
        self.actions: list[dict] = []
        self.script: list[str] = []
        self.listeners: list[socket.socket] = []
        self.listening = threading.Event()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = self
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.drop_listeners()
        self.server.shutdown()
        self.server.server_close()

    def listen(self, sock) -> None:
        with self.lock:
            self.listeners.append(sock)
        self.listening.set()

    def forget(self, sock) -> None:
        with self.lock:
            if sock in self.listeners:
                self.listeners.remove(sock)
            if not self.listeners:
                self.listening.clear()

    def push(self, fields: dict) -> None:
        with self.lock:
            targets = list(self.listeners)
        for sock in targets:
            sock.sendall(block(fields))

    def drop_listeners(self) -> None:
        with self.lock:
            targets, self.listeners = list(self.listeners), []
            self.listening.clear()
        for sock in targets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
