"""Events and scheduled jobs through a real Celery worker and the Redis broker (the production path).

Runs when REDIS_URL and a server database (DATABASE_URL) are configured, as in CI; an in-memory SQLite
database cannot be shared with a worker process.
"""

import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

from legal_crm.org import services
from legal_crm.org.models import Employee
from tests.processes import celery_worker, wait_for

pytestmark = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL")),
    reason="needs Redis and a server database (CI sets REDIS_URL and DATABASE_URL)",
)


@pytest.fixture
def worker(transactional_db):
    with celery_worker() as proc:
        yield proc


def test_event_handler_runs_in_a_real_worker_after_commit(worker, make_staff, admin_user):
    if connection.vendor != "mysql":
        pytest.skip("the worker shares the test database only on a server database")
    operator = make_staff("operator")
    session = SessionStore()
    session["_auth_user_id"] = str(operator.pk)
    session.create()

    services.employee_set_status(actor=admin_user, employee=Employee.objects.get(user=operator),
                                 status=Employee.Status.BLOCKED)

    gone = wait_for(lambda: not Session.objects.filter(session_key=session.session_key).exists())
    if not gone:
        worker.terminate()
        output = worker.communicate(timeout=10)[0].decode(errors="replace")
        pytest.fail(f"the worker did not end the blocked user's session; worker output:\n{output}")
    from legal_crm.core.models import EventOutbox

    assert wait_for(lambda: not EventOutbox.objects.exists())  # relayed rows are deleted
