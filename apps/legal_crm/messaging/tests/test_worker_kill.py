"""A send worker killed (SIGKILL) in the middle of a batch neither loses nor doubles a message.

The fake provider counts every request it received and holds the 6th one; the test kills the worker there — after
the provider got the message, before the worker stored the answer (the one window no outbox closes). The next run
finds that row "sending", and once it is stale looks it up by our id (SMSC.ru) instead of sending it again; for a
provider that takes no id of ours (SMS.ru) it is failed as "unknown_result" for a person, never resent.
Needs a server database (MariaDB): an in-memory SQLite database cannot be shared with another process.
"""

import datetime
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest
from django.utils import timezone

from legal_crm.messaging import outbox, services
from legal_crm.messaging.models import Channel, Message, Provider
from tests.processes import ROOT, child_env, wait_for

from .fakes.server import FakeSmsc, FakeSmsRu

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("mysql"),
                                reason="needs a server database shared with a second process (CI's MariaDB)")


@pytest.mark.parametrize("provider", [Provider.SMSC, Provider.SMSRU])
def test_a_send_worker_killed_midway_loses_and_doubles_nothing(transactional_db, tmp_path, office, provider,
                                                               monkeypatch):
    monkeypatch.setattr(outbox, "request_send", lambda: None)  # the job runs only where this test says
    signal_file = tmp_path / "blocked"
    fake = (FakeSmsc if provider == Provider.SMSC else FakeSmsRu)(block_at=6, signal_file=signal_file).start()
    try:
        Channel.objects.create(office=office, kind="sms", provider=provider, name="SMS", login="shop",
                               secret="secret-pass-1234", base_url=fake.url)
        ids = [services.message_queue(actor_or_none=None, channel_kind="sms", to="+79161234567", text=f"№{n}",
                                      office=office).pk for n in range(1, 11)]

        proc = subprocess.Popen([sys.executable, "manage.py", "run_job", "legal_crm.messaging.jobs.send_queued"],
                                cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            if not wait_for(signal_file.exists):
                proc.kill()
                pytest.fail("the worker never reached message 6:\n" + proc.communicate()[0].decode(errors="replace"))
            os.kill(proc.pid, signal.SIGKILL)  # the provider has message 6; the worker never stores its answer
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        fake.release()
        assert wait_for(lambda: len(fake.accepted) == 6)  # the provider took message 6

        states = dict(Message.objects.values_list("pk", "status"))
        assert [states[pk] for pk in ids] == ["sent"] * 5 + ["sending"] + ["queued"] * 4

        outbox.send_queued()  # a live worker's row is left alone
        assert Message.objects.get(pk=ids[5]).status == "sending"
        outbox.send_queued(now=timezone.now() + outbox.STALE_AFTER + datetime.timedelta(minutes=1))

        texts = Counter(fake.texts())
        assert texts == Counter({f"№{n}": 1 for n in range(1, 11)})  # every message reached the provider once
        sixth = Message.objects.get(pk=ids[5])
        if provider == Provider.SMSC:
            assert sixth.status == "delivered"  # looked up by our id, not sent again
        else:
            assert (sixth.status, sixth.error_code) == ("failed", "unknown_result")  # for a person, not resent
        assert not Message.objects.filter(status__in=["queued", "sending"]).exists()
    finally:
        fake.stop()
