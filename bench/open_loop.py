"""Intake at a steady rate (an open loop), run by bench/bench_leads.py beside the list benchmark.

wrk's clients are a closed loop: each sends its next post only when the last one is answered, so the run is always
at the machine's limit and says what the intake's ceiling is, with the latencies of a saturated machine. What a
steady flow of posts sees — partners' and sites' posts arrive when people send them, not when the last one was
answered — is measured here: the posts go out at fixed moments (--rate a second) whatever the answers, and each
one's latency is counted from its scheduled moment, so a stall counts in every post it holds back.

Keep-alive: a post takes an idle connection or opens one (as a proxy with upstream keep-alive does); per request:
each post on a connection of its own with "Connection: close" (nginx's default). The payloads are bench/intake.lua's
(site posts with a source, partner posts with an external id, 5 % repeated phones). Runs in its own process, so its
loop does not share an interpreter with the list's client, over plain non-blocking sockets: on the 2 cores it shares
with the server it must take as little as it can (asyncio's streams took 0.45–0.55 ms of CPU a post). Prints one
JSON line (each post's latency in ms, in the order answered: bench_leads.run_open_loop takes the percentiles).

    python bench/open_loop.py --port 8000 --tokens KEY1,KEY2 --rate 300 --seconds 20 [--per-request]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import resource
import selectors
import socket
import time

SOURCES = ["site-bfl", "yandex-direct", "vk-ads", "whatsapp", "telegram", "call-8800", "radio"]
TIMEOUT = 30  # seconds a post may take before it counts as an error
OUTSTANDING = 512  # posts in flight at most (a server that falls behind would otherwise get a connection a post)


def posts(tokens: list[str], n: int, seed: int, tag: str):
    """n (token, body) of bench/intake.lua's mix: the site's posts with an ad source and the partner's with an
    external id in turn, 5 % of them repeating an earlier phone. `tag` marks the run's campaign and external ids."""
    rnd, earlier = random.Random(seed), []
    for i in range(n):
        if earlier and rnd.random() < 0.05:
            phone = rnd.choice(earlier)
        else:
            phone = f"+79{rnd.randrange(10**9):09d}"
            earlier.append(phone)
        body = {"phone": phone, "name": f"Бенчмарк {i}", "comment": "Долг 700 тыс., три банка", "utm_source": "bench",
                "utm_campaign": tag, "consent_personal_data": True}
        if i % len(tokens) == 0:
            body["source"] = SOURCES[i % len(SOURCES)]
        else:
            body["external_id"] = f"{tag}-{i}"
        yield tokens[i % len(tokens)], body


def requests(tokens: list[str], n: int, per_request: bool, seed: int):
    """n HTTP requests as bytes (posts())."""
    close = "Connection: close\r\n" if per_request else ""
    for token, body in posts(tokens, n, seed, f"open-{seed % 100000:05d}"):
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        head = (f"POST /api/v1/leads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Authorization: Token {token}\r\nContent-Length: {len(raw)}\r\n{close}\r\n")
        yield head.encode() + raw


class Post:
    """One post in flight: its socket, what is left to send, what came back so far."""

    __slots__ = ("due", "got", "keep", "need", "out", "sock", "status")

    def __init__(self, sock: socket.socket, due: float, raw: bytes):
        self.sock, self.due, self.out, self.got = sock, due, memoryview(raw), bytearray()
        self.need, self.status, self.keep = -1, 0, True

    def answered(self) -> bool:
        """Whether the whole response is in (its head parsed once: status, Content-Length, Connection)."""
        if self.need < 0:
            end = self.got.find(b"\r\n\r\n")
            if end < 0:
                return False
            head = bytes(self.got[:end]).decode("latin-1").split("\r\n")
            self.status, length = int(head[0].split()[1]), None
            for line in head[1:]:
                name, _sep, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    self.keep = False
            if length is None:
                raise ValueError("no Content-Length")
            self.need = end + 4 + length
        return len(self.got) >= self.need


def run(port: int, tokens: list[str], rate: float, seconds: float, per_request: bool, seed: int) -> dict:
    """The posts of requests() at their moments, over non-blocking sockets and one epoll: the client costs the
    cores it shares with the server a fraction of what asyncio's streams did (0.45–0.55 ms of CPU a post per
    request, which the server's latency then paid for)."""
    sel = selectors.DefaultSelector()
    raws = list(requests(tokens, int(rate * seconds), per_request, seed))
    n, clock = len(raws), time.monotonic
    idle: list[socket.socket] = []
    waiting: collections.deque[tuple[bytes, float]] = collections.deque()  # due, but OUTSTANDING are in flight
    in_flight: dict[int, Post] = {}
    latencies: list[float] = []
    codes: dict[str, int] = {}
    opened = 0

    def failed(post: Post) -> None:
        codes["0"] = codes.get("0", 0) + 1
        drop(post)

    def drop(post: Post) -> None:
        del in_flight[post.sock.fileno()]
        sel.unregister(post.sock)
        post.sock.close()

    def send(raw: bytes, due: float) -> None:
        nonlocal opened
        sock = idle.pop() if idle else None
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.connect_ex(("127.0.0.1", port))  # EINPROGRESS: writable once connected
            opened += 1
        post = Post(sock, due, raw)
        in_flight[sock.fileno()] = post
        sel.register(sock, selectors.EVENT_WRITE, post)

    start = clock() + 0.05
    sent, last_sweep, late = 0, start, 0.0
    while sent < n or waiting or in_flight:
        now = clock()
        while sent < n and start + sent / rate <= now:
            waiting.append((raws[sent], start + sent / rate))
            sent += 1
            if sent == n:
                late = now - (start + (n - 1) / rate)  # how far behind its schedule the sender itself ended
        while waiting and len(in_flight) < OUTSTANDING:
            send(*waiting.popleft())
        timeout = max(0.0, start + sent / rate - clock()) if sent < n else 0.5
        for key, events in sel.select(timeout):
            post: Post = key.data
            try:
                if events & selectors.EVENT_WRITE:
                    if post.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        failed(post)
                        continue
                    done = post.sock.send(post.out)
                    post.out = post.out[done:]
                    if not post.out:
                        sel.modify(post.sock, selectors.EVENT_READ, post)
                    continue
                chunk = post.sock.recv(65536)
                if not chunk:
                    failed(post)
                    continue
                post.got += chunk
                if post.answered():
                    latencies.append((clock() - post.due) * 1000)
                    codes[str(post.status)] = codes.get(str(post.status), 0) + 1
                    if post.keep and not per_request:
                        del in_flight[post.sock.fileno()]
                        sel.unregister(post.sock)  # idle: not watched until a post takes it
                        idle.append(post.sock)
                    else:
                        drop(post)
            except (OSError, ValueError, IndexError):
                failed(post)
        now = clock()
        if now - last_sweep > 1:  # posts past TIMEOUT count as errors
            last_sweep = now
            for post in [p for p in in_flight.values() if now - p.due > TIMEOUT]:
                failed(post)
    elapsed = clock() - start
    for sock in idle:
        sock.close()
    sel.close()
    return {"n": n, "answered": len(latencies), "rate": len(latencies) / elapsed, "offered": rate,
            "latencies": latencies, "codes": codes, "connections": opened, "sender_late_ms": late * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True, help="API tokens, comma-separated: the site's, the partner's")
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--per-request", action="store_true")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    result = run(args.port, args.tokens.split(","), args.rate, args.seconds, args.per_request, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
