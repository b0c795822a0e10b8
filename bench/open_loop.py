"""Intake at a steady rate (an open loop), run by bench/bench_leads.py beside the list benchmark.

wrk's clients are a closed loop: each sends its next post only when the last one is answered, so the run is always
at the machine's limit and says what the intake's ceiling is, with the latencies of a saturated machine. What a
steady flow of posts sees — partners' and sites' posts arrive when people send them, not when the last one was
answered — is measured here: the posts go out at fixed moments (--rate a second) whatever the answers, and each
one's latency is counted from its scheduled moment, so a stall counts in every post it holds back.

Keep-alive: a post takes an idle connection or opens one (as a proxy with upstream keep-alive does); per request:
each post on a connection of its own with "Connection: close" (nginx's default). The payloads are bench/intake.lua's
(site posts with a source, partner posts with an external id, 5 % repeated phones). Runs in its own process, so its
event loop does not share an interpreter with the list's client; prints one JSON line (each post's latency
in ms, in the order answered: bench_leads.run_open_loop takes the percentiles).

    python bench/open_loop.py --port 8000 --tokens KEY1,KEY2 --rate 300 --seconds 20 [--per-request]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
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


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The response's status and whether the connection stays open."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status, length, keep = int(head[0].split()[1]), None, True
    for line in head[1:]:
        name, _sep, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    if length is None:
        await reader.read()
        return status, False
    await reader.readexactly(length)
    return status, keep


async def run(port: int, tokens: list[str], rate: float, seconds: float, per_request: bool, seed: int) -> dict:
    loop = asyncio.get_running_loop()
    n = int(rate * seconds)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    latencies: list[float] = []
    codes: dict[str, int] = {}
    opened, slots = [0], asyncio.Semaphore(OUTSTANDING)

    async def post(raw: bytes, due: float) -> None:
        async with slots:  # a post held back here still counts from its scheduled moment
            await send(raw, due)

    async def send(raw: bytes, due: float) -> None:
        conn = idle.pop() if idle and not per_request else None
        try:
            if conn is None:
                conn = await asyncio.open_connection("127.0.0.1", port)
                opened[0] += 1
            reader, writer = conn
            writer.write(raw)
            status, keep = await asyncio.wait_for(_answer(reader), TIMEOUT)
            latencies.append((loop.time() - due) * 1000)
            codes[str(status)] = codes.get(str(status), 0) + 1
            if keep and not per_request:
                idle.append(conn)
            else:
                writer.close()
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):  # OSError: timeouts too
            codes["0"] = codes.get("0", 0) + 1
            if conn is not None:
                conn[1].close()

    start = loop.time() + 0.05
    tasks = []
    for i, raw in enumerate(requests(tokens, n, per_request, seed)):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post(raw, due)))
    late = loop.time() - (start + (n - 1) / rate)  # how far behind its schedule the sender itself ended
    await asyncio.gather(*tasks)
    elapsed = loop.time() - start
    for _reader, writer in idle:
        writer.close()
    return {"n": n, "answered": len(latencies), "rate": len(latencies) / elapsed, "offered": rate,
            "latencies": latencies, "codes": codes, "connections": opened[0], "sender_late_ms": late * 1000}


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
    result = asyncio.run(run(args.port, args.tokens.split(","), args.rate, args.seconds, args.per_request, args.seed))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
