"""Helpers for tests that run a second real process against the test database (Celery workers, killed relays).

Such tests need a server database (CI's MariaDB): an in-memory SQLite database cannot be shared with a process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def server_database_url() -> str:
    """The URL of this test process's own database, for a child process to open."""
    db = connection.settings_dict
    return f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"


def child_env(**extra) -> dict:
    return {**os.environ, "DATABASE_URL": server_database_url(), "DJANGO_SETTINGS_MODULE": "legal_crm.settings.test",
            "PYTHONPATH": f"{ROOT / 'apps'}:{ROOT}", **extra}


def wait_for(predicate, seconds: float = 60) -> bool:
    """Poll until `predicate()` holds; False after `seconds` (a bound on a real process, never an assertion on speed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@contextmanager
def celery_worker():
    """A real Celery worker on a queue of its own (Redis broker), with this process publishing to that queue."""
    from legal_crm import celery_app
    from legal_crm.core import outbox as events_outbox

    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "legal_crm", "worker", "-Q", queue, "-c", "1", "-P", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env=child_env(CELERY_EAGER="0"), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    events_outbox._relay_due = 0.0  # a relay this process requested earlier went to another test's queue
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.task_default_queue)
    conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, os.environ["REDIS_URL"], queue
    try:
        yield proc
    finally:
        conf.task_always_eager, conf.broker_url, conf.task_default_queue = saved
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
