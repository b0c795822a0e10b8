"""What one lead intake costs the web process, measured in-process, and how fast the machine is right now.

The intake's rate on the shared 2-core machine follows the speed the machine gives at the moment (the same code
ran at 140–350 leads/s on different days). These figures let runs of different days be compared:

- speed index: CPU milliseconds of a fixed pure-Python loop, and of one `SELECT 1` round trip to MariaDB
  (lower is faster; most of a round trip's cost is the kernel's, which varies with the virtual machine);
- per lead, through the WSGI application without an HTTP server: CPU ms of this process, SQL statements and
  Redis round trips (the last two do not depend on the machine);
- per lead, the machine instructions of the web process (valgrind's callgrind, where installed): a count, not a
  time, so a change's cost can be told apart from the machine's mood. The posts are counted on a paced clock (a
  post every 1/150 s, a worker's share of 300 leads/s): what the process does per second — request the events relay,
  reload the reference data — weighs on a post as it does at that rate, not as often as valgrind's slowness would
  make it. Repeated runs agree within about 1 % (what still follows wall time: Redis's own expiries).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def python_loop_ms() -> float:
    def once() -> float:
        started, total = time.process_time(), 0
        for i in range(3_000_000):
            total += i * i % 7
        return (time.process_time() - started) * 1000

    return min(once() for _ in range(3))


def round_trip_ms(repeat: int = 2000) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.process_time()
        for _ in range(repeat):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return (time.process_time() - started) * 1000 / repeat


def _environ(body: dict, token: str) -> dict:
    raw = json.dumps(body).encode()
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/leads/", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(raw)), "HTTP_AUTHORIZATION": f"Token {token}", "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": True,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0)}


def per_lead(tokens: list[str], n: int = 300) -> dict:
    """Post n new leads (site and partner tokens in turn) straight to the WSGI application."""
    with _as_in_production():
        return _per_lead(tokens, n)


@contextmanager
def _as_in_production():
    """Jobs go to the broker, the database connection is kept between requests and the garbage collector is tuned,
    as in a web worker (legal_crm/wsgi.py)."""
    import gc

    from django.db import connection

    from legal_crm import celery_app
    from legal_crm.gc_tuning import tune_for_serving

    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False
    # Production keeps a worker's database connection between requests (conn_max_age=60); the test settings
    # this process runs with close it after each one, which added a connect (≈ 1.5 ms CPU) to every lead.
    max_age, connection.settings_dict["CONN_MAX_AGE"] = connection.settings_dict["CONN_MAX_AGE"], 60
    thresholds = gc.get_threshold()
    tune_for_serving()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)  # what start-up froze stays frozen, as in a worker
        celery_app.conf.task_always_eager = eager
        connection.settings_dict["CONN_MAX_AGE"] = max_age


def _poster(tokens: list[str]):
    """post(i): one new lead to the WSGI application, the site's (with a source) and the partner's (with an
    external id) in turn."""
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    rnd = random.Random()
    tag = f"cost-{time.time_ns() % 10**12}"

    def post(i: int) -> None:
        body = {"phone": f"+79{rnd.randrange(10**9):09d}", "name": f"Бенчмарк {i}", "utm_source": "bench",
                "comment": "Долг 700 тыс., три банка", "consent_personal_data": True}
        if i % 2:
            body["external_id"] = f"{tag}-{i}"
        else:
            body["source"] = "site-bfl"
        status = []
        out = application(_environ(body, tokens[i % 2]), lambda s, h, e=None: status.append(s))
        b"".join(out)
        out.close()
        assert status[0][:3] in ("200", "201"), status

    return post


def _per_lead(tokens: list[str], n: int) -> dict:
    import redis.client
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = _poster(tokens)
    for i in range(30):  # warm the caches
        post(i)
    started = time.process_time()
    for i in range(n):
        post(1000 + i)
    cpu_ms = (time.process_time() - started) * 1000 / n

    round_trips = []
    original_command, original_pipeline = redis.client.Redis.execute_command, redis.client.Pipeline.execute

    def command(self, *args, **kwargs):
        round_trips.append(args[0])
        return original_command(self, *args, **kwargs)

    def pipeline(self, *args, **kwargs):
        round_trips.append("pipeline")
        return original_pipeline(self, *args, **kwargs)

    redis.client.Redis.execute_command, redis.client.Pipeline.execute = command, pipeline
    try:
        with CaptureQueriesContext(connection) as queries:
            for i in range(50):
                post(5000 + i)
    finally:
        redis.client.Redis.execute_command, redis.client.Pipeline.execute = original_command, original_pipeline
    return {"cpu_ms": cpu_ms, "sql": len(queries.captured_queries) / 50, "redis": len(round_trips) / 50}


# The rate the count assumes: the target's 300 leads a second shared by a server's two worker processes.
POST_PERIOD = 2 / 300


def instructions_per_lead(n: int = 200) -> float | None:
    """Instructions the web process executes per new lead, counted by callgrind over n posts after a warm-up
    (Django's start-up and the warm-up run uninstrumented); None where valgrind is not installed. Takes about a
    minute: the posts run some fifty times slower under valgrind."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return None
    out = Path(tempfile.mkdtemp(prefix="lcrm-callgrind-")) / "callgrind.out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                        sys.executable, __file__, "--count-posts", str(n)], env=env, check=True, capture_output=True)
        total = re.search(r"^totals: (\d+)", out.read_text(), re.M)
        return int(total.group(1)) / n if total else None
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def _count_posts(n: int) -> None:
    """The process valgrind runs: instrumentation is switched on for the n posts only."""
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    tokens = [Token.objects.get(user__username=u).key for u in ("bench-site", "api-lidpro")]
    with _as_in_production():
        post = _poster(tokens)
        for i in range(100):  # warm the caches and the code paths
            post(i)
        with _paced_clock() as next_post:
            subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
            for i in range(n):
                next_post()
                post(1000 + i)
            subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)


@contextmanager
def _paced_clock(period: float = POST_PERIOD):
    """time.monotonic() as if the posts came every `period` seconds, whatever valgrind's slowness: what a process
    does per unit of time (the events relay it requests at most every 0.2 s, the reference data it reloads every
    2 s, the connections' health checks) then weighs on each post as it does at that rate, and the count no
    longer depends on how fast the machine is today. The clock still moves by a microsecond a reading, so that a
    loop waiting for a deadline ends."""
    real, start = time.monotonic, time.monotonic()
    state = {"posts": 0, "reads": 0}

    def monotonic() -> float:
        state["reads"] += 1
        return start + state["posts"] * period + state["reads"] * 1e-6

    def next_post() -> None:
        state["posts"] += 1

    time.monotonic = monotonic
    try:
        yield next_post
    finally:
        time.monotonic = real


if __name__ == "__main__" and sys.argv[1:2] == ["--count-posts"]:
    _count_posts(int(sys.argv[2]))
