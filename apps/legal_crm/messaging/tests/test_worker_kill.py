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


@pytest.mark.parametrize("threads", [1, 16])
@pytest.mark.parametrize("provider", [Provider.SMSC, Provider.SMSRU])
def test_a_send_worker_killed_midway_loses_and_doubles_nothing(transactional_db, tmp_path, office, provider, threads,
                                                               monkeypatch):
    """threads=1: exactly the held message is left "sending"; threads=16 (the default): the requests of a batch
    overlap, so the rows in flight at the kill are "sending" and the claimed rest "queued" under a dead lease."""
    monkeypatch.setattr(outbox, "request_send", lambda: None)  # the job runs only where this test says
    signal_file = tmp_path / "blocked"
    fake = (FakeSmsc if provider == Provider.SMSC else FakeSmsRu)(block_at=6, signal_file=signal_file).start()
    try:
        Channel.objects.create(office=office, kind="sms", provider=provider, name="SMS", login="shop",
                               secret="secret-pass-1234", base_url=fake.url)
        ids = [services.message_queue(actor_or_none=None, channel_kind="sms", to="+79161234567", text=f"№{n}",
                                      office=office).pk for n in range(1, 11)]

        proc = subprocess.Popen([sys.executable, "manage.py", "run_job", "legal_crm.messaging.jobs.send_queued"],
                                cwd=ROOT, env=child_env(LEGAL_CRM_SEND_THREADS=str(threads)),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            if not wait_for(signal_file.exists):
                proc.kill()
                pytest.fail("the worker never reached message 6:\n" + proc.communicate()[0].decode(errors="replace"))
            os.kill(proc.pid, signal.SIGKILL)  # the provider has message 6; the worker never stores its answer
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        received = fake.texts()
        held = received[5]
        fake.release()

        texts = dict(Message.objects.values_list("pk", "text"))
        states = dict(Message.objects.values_list("pk", "status"))
        if threads == 1:
            assert [states[pk] for pk in ids] == ["sent"] * 5 + ["sending"] + ["queued"] * 4
        assert states[next(pk for pk in ids if texts[pk] == held)] == "sending"
        for pk in ids:  # marked before its request left; "sent" only for what the provider got
            if texts[pk] not in received:
                assert states[pk] in ("queued", "sending")
            assert states[pk] != "sent" or texts[pk] in received
        in_flight = {pk for pk in ids if states[pk] == "sending"}
        assert len(in_flight) <= threads

        outbox.send_queued()  # a live worker's rows are left alone: its sending rows and its claimed ones
        assert {pk for pk, st in Message.objects.values_list("pk", "status") if st == "sending"} == in_flight
        assert Message.objects.filter(status="queued").count() == sum(st == "queued" for st in states.values())
        at_provider = set(fake.texts())  # what the provider holds when the stale rows are looked up
        outbox.send_queued(now=timezone.now() + outbox.STALE_AFTER + datetime.timedelta(minutes=1))

        counted = Counter(fake.texts())
        assert max(counted.values()) == 1  # nothing doubled
        final = {pk: (status, code) for pk, status, code in Message.objects.values_list("pk", "status", "error_code")}
        if provider == Provider.SMSC:
            assert counted == Counter({f"№{n}": 1 for n in range(1, 11)})  # every message reached the provider once
            # Looked up by our id: found, it is not sent again; a row marked "sending" whose request never left
            # the killed worker (16 threads mark a batch before its requests go) is not found and is sent now, once.
            assert {pk: final[pk][0] for pk in in_flight} == {
                pk: "delivered" if texts[pk] in at_provider else "sent" for pk in in_flight}
        else:
            # Every row in flight at the kill is for a person (SMS.ru cannot be asked), every other one went once.
            assert {pk for pk in ids if final[pk] == ("failed", "unknown_result")} == in_flight
            assert {texts[pk] for pk in ids if pk not in in_flight} <= set(counted)
        assert not Message.objects.filter(status__in=["queued", "sending"]).exists()
    finally:
        fake.stop()
