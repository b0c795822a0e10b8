"""What one lead intake costs the web process, measured in-process, and how fast the machine is right now.

The intake's rate on the shared 2-core machine follows the speed the machine gives at the moment (the same code
ran at 140–350 leads/s on different days). These figures let runs of different days be compared:

- speed index: CPU milliseconds of a fixed pure-Python loop, and of one `SELECT 1` round trip to MariaDB
  (lower is faster; most of a round trip's cost is the kernel's, which varies with the virtual machine);
- per lead, through the WSGI application without an HTTP server: CPU ms of this process, SQL statements and
  Redis round trips (the last two do not depend on the machine).
"""

from __future__ import annotations

import io
import json
import random
import sys
import time


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
    from django.db import connection

    from legal_crm import celery_app

    eager, celery_app.conf.task_always_eager = celery_app.conf.task_always_eager, False  # as in production
    # Production keeps a worker's database connection between requests (conn_max_age=60); the test settings
    # this process runs with close it after each one, which added a connect (≈ 1.5 ms CPU) to every lead.
    max_age, connection.settings_dict["CONN_MAX_AGE"] = connection.settings_dict["CONN_MAX_AGE"], 60
    try:
        return _per_lead(tokens, n)
    finally:
        celery_app.conf.task_always_eager = eager
        connection.settings_dict["CONN_MAX_AGE"] = max_age


def _per_lead(tokens: list[str], n: int) -> dict:
    import redis.client
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    application = WSGIHandler()
    rnd = random.Random()
    tag = f"cost-{int(time.time() * 1000) % 10**9}"

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
