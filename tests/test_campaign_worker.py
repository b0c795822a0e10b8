"""A campaign end to end on the production path: started in the desk's service, its batches queued by the
dispatcher job (committed), sent by a real Celery worker process (Redis broker, MariaDB) to the fake SMS.ru, with
the consent skip counted, no message doubled by a second dispatcher run, and the actual cost summed.

Runs when REDIS_URL and a server database (DATABASE_URL) are configured, as in CI.
"""

import datetime
import os
from decimal import Decimal

import pytest

from legal_crm.campaigns import dispatch, selectors, services
from legal_crm.campaigns.models import Campaign
from legal_crm.campaigns.tests.factories import make_campaign
from legal_crm.leads.tests.factories import LeadFactory
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


def test_a_campaign_runs_end_to_end_through_a_real_worker(worker, make_staff, office):
    fake = FakeSmsRu().start()
    try:
        Channel.objects.create(office=None, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="k-1234",
                               base_url=fake.url, rate_per_minute=10000)
        for i in range(12):
            LeadFactory(office=office, phone=f"+791600000{i:02d}", name=f"Клиент {i}", consent_ads=i != 11)
        marketer = make_staff("marketer")
        campaign = make_campaign(marketer, text="{name}, консультация юриста бесплатно до 31.12.")
        services.campaign_start(actor=marketer, campaign=campaign)
        now = datetime.datetime.now(datetime.UTC)

        assert dispatch.dispatch_due(now=now) == 11  # committed: the outbox asked the worker to send
        assert dispatch.dispatch_due(now=now) == 0  # a second run doubles nothing

        assert wait_for(lambda: not selectors.campaign_messages(campaign).exclude(status="sent").exists()), list(
            Message.objects.values_list("status", "error_text"))
        assert sorted(p["to"] for p in fake.received) == [f"791600000{i:02d}" for i in range(11)]
        assert "Клиент 3, консультация юриста бесплатно до 31.12." in fake.texts()
        dispatch.dispatch_due(now=now)  # finished only once its messages left the outbox
        campaign.refresh_from_db()
        stats = selectors.campaign_stats(campaign)
        assert campaign.status == Campaign.Status.FINISHED
        assert (stats["sent"], stats["skipped_no_consent"]) == (11, 1)
        assert stats["actual_cost"] == stats["planned_cost"] == Decimal("38.39")
    finally:
        fake.stop()
