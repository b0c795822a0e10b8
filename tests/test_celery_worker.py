"""Events and scheduled jobs through a real Celery worker and the Redis broker (the production path).

Runs when REDIS_URL and a server database (DATABASE_URL) are configured, as in CI; an in-memory SQLite
database cannot be shared with a worker process.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

from legal_crm import celery_app
from legal_crm.org import services
from legal_crm.org.models import Employee

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")),
    reason="needs Redis and a server database (CI sets REDIS_URL and DATABASE_URL)",
)


@pytest.fixture
def worker(transactional_db, settings):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    url = f"mysql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 3306}/{db['NAME']}"
    env = {**os.environ, "CELERY_EAGER": "0", "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "legal_crm.settings.test",
           "PYTHONPATH": f"{ROOT / 'apps'}:{ROOT}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "legal_crm", "worker", "-Q", queue, "-c", "1", "-P", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    from legal_crm.core import outbox

    outbox._relay_due = 0.0  # a relay this process requested earlier went to another test's queue
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


def _wait_for(predicate, seconds=45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_event_handler_runs_in_a_real_worker_after_commit(worker, make_staff, admin_user):
    if connection.vendor != "mysql":
        pytest.skip("the worker shares the test database only on a server database")
    operator = make_staff("operator")
    session = SessionStore()
    session["_auth_user_id"] = str(operator.pk)
    session.create()

    services.employee_set_status(actor=admin_user, employee=Employee.objects.get(user=operator),
                                 status=Employee.Status.BLOCKED)

    gone = _wait_for(lambda: not Session.objects.filter(session_key=session.session_key).exists())
    if not gone:
        worker.terminate()
        output = worker.communicate(timeout=10)[0].decode(errors="replace")
        pytest.fail(f"the worker did not end the blocked user's session; worker output:\n{output}")
    from legal_crm.core.models import EventOutbox

    assert _wait_for(lambda: not EventOutbox.objects.exists())  # relayed rows are deleted
