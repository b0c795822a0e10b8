"""Desk pages measured in-process: wall and CPU time per page, SQL statements, and the page's size as sent
(raw and gzip-compressed, as the desk's GZipMiddleware sends it to a browser that accepts gzip).

CPU time (`time.process_time`) is what the page costs this process; on the shared machine it is the figure to
compare between runs, since wall time also holds the waits for the other helpers' processes."""

from __future__ import annotations

import cProfile
import gzip
import pstats
import time


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def measure(client, url: str, params: dict | None, repeat: int, *, expect: str | None = None) -> dict:
    """GET `url` `repeat` times after one warm-up. `expect`: a text the page must contain (the searched lead) —
    reported as `found`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = params or {}
    first = client.get(url, params)  # warm caches
    assert first.status_code == 200, (url, first.status_code)
    walls, cpus, queries = [], [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            cpu, wall = time.process_time(), time.perf_counter()
            r = client.get(url, params)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        assert r.status_code == 200, (url, r.status_code)
        queries.append(len(ctx.captured_queries))
    # Python function calls per page: a count, not a time — the same on a busy machine as on a quiet one, so two
    # runs (or two sides of one run on a machine whose speed drifts) compare by it where times are noisy.
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(3):
        client.get(url, params)
    profile.disable()
    calls = pstats.Stats(profile).total_calls / 3
    body = b"".join(r.streaming_content) if r.streaming else r.content
    if r.get("Content-Encoding") == "gzip":
        raw, sent = gzip.decompress(body), len(body)
    else:
        raw, sent = body, len(gzip.compress(body, 6))
    result = {"p50": pct(walls, 50), "p95": pct(walls, 95), "cpu": pct(cpus, 50), "queries": max(queries),
              "kb": len(raw) / 1024, "gzip_kb": sent / 1024, "calls": calls, "gzip_on": r.get("Content-Encoding") == "gzip"}
    if expect is not None:
        result["found"] = expect in raw.decode()
    return result
