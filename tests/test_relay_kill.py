"""A relay process killed (SIGKILL) in the middle of a batch loses and doubles nothing.

The relay runs a batch's handlers and deletes its outbox rows in one transaction, so a process killed midway
leaves every row and none of the handlers' writes; the next relay runs each handler exactly once. Needs a server
database (CI's MariaDB): an in-memory SQLite database cannot be shared with another process.
"""

import os
import signal
import subprocess
import sys

import pytest

from legal_crm import hooks
from legal_crm.core import outbox
from legal_crm.core.models import AuditLog, EventOutbox
from tests.processes import ROOT, child_env, wait_for

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("mysql"),
                                reason="needs a server database shared with a second process (CI's MariaDB)")


def test_a_relay_killed_midway_loses_and_doubles_nothing(transactional_db, tmp_path, monkeypatch):
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.mark", ["legal_crm.core.tests.handlers.mark"])
    monkeypatch.setattr(outbox, "request_relay", lambda: None)  # the relay runs only where this test says
    from legal_crm.core import events

    for n in range(1, 11):
        events.emit("tests.mark", n=n)
    assert EventOutbox.objects.count() == 10

    signal_file = tmp_path / "blocked"
    env = child_env(LCRM_TEST_BLOCK_AT="6", LCRM_TEST_SIGNAL=str(signal_file))
    proc = subprocess.Popen([sys.executable, "manage.py", "run_job", "legal_crm.core.outbox.relay"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        if not wait_for(signal_file.exists):
            proc.kill()
            pytest.fail("the relay process never reached item 6:\n" + proc.communicate()[0].decode(errors="replace"))
        os.kill(proc.pid, signal.SIGKILL)  # five handlers have written, the sixth hangs: all uncommitted
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()

    # The server rolls the dead connection's transaction back and frees its rows; until then SKIP LOCKED skips them.
    assert wait_for(lambda: (outbox.relay(), not EventOutbox.objects.exists())[1])
    marks = sorted(int(n) for n in AuditLog.objects.filter(action="tests.mark").values_list("object_id", flat=True))
    assert marks == list(range(1, 11))  # every handler ran once: nothing lost, nothing doubled
