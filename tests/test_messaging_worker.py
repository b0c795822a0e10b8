"""The production path: a message queued by a committed transaction is sent by a real Celery worker (Redis broker,
MariaDB) to the fake provider, and the script message it was about follows its status through the events relay.

Runs when REDIS_URL and a server database (DATABASE_URL) are configured, as in CI.
"""

import os

import pytest

from legal_crm.core.models import EventOutbox
from legal_crm.core.outbox import relay
from legal_crm.leads.models import ScriptMessage
from legal_crm.leads.scripts import services as script_services
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.leads.tests.factories_scripts import make_script
from legal_crm.messaging import outbox
from legal_crm.messaging.models import Channel, Message, Provider
from legal_crm.messaging.tests.fakes.server import FakeSmsRu
from tests.processes import celery_worker, wait_for

pytestmark = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("mysql")),
    reason="needs Redis and a server database (CI sets REDIS_URL and DATABASE_URL)",
)


@pytest.fixture
def worker(transactional_db):
    with celery_worker() as proc:
        outbox._send_due = 0.0  # a send this process requested earlier went to another test's queue
        yield proc


def test_a_script_sms_is_sent_by_a_real_worker_and_its_script_message_follows(worker, office):
    fake = FakeSmsRu().start()
    try:
        Channel.objects.create(office=office, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="k-1234",
                               base_url=fake.url)
        lead = LeadFactory(office=office, phone="+79161112233")
        script, _steps = make_script("sms", "call")
        script_services.lead_enroll(actor=None, lead=lead, script=script)
        script_services.advance_due_enrollments()  # commits: the outbox asks the worker to send

        assert wait_for(lambda: Message.objects.get().status == "sent"), list(
            Message.objects.values_list("status", "error_text"))
        assert len(fake.received) == 1 and fake.received[0]["to"] == "79161112233"
        # The worker stored the status event with its write; the relay it requested went to the default queue,
        # which this test's worker does not consume — the per-minute scheduled relay runs it, as here.
        assert EventOutbox.objects.exists()
        relay()
        assert ScriptMessage.objects.get().status == "sent"
    finally:
        fake.stop()
