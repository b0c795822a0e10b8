"""Parallel relays share the outbox without running an event twice (MariaDB: SELECT … FOR UPDATE SKIP LOCKED)."""

import time

import pytest
from django.db import connection

from legal_crm import hooks
from legal_crm.core import outbox
from legal_crm.core.models import EventOutbox
from legal_crm.core.tests import handlers
from legal_crm.core.tests.parallel import at_once

pytestmark = pytest.mark.skipif(connection.vendor == "sqlite",
                                reason="SQLite serialises writers; the race is tested on MariaDB")


def slow_record(**payload) -> None:
    time.sleep(0.002)  # long enough for the relays to overlap
    handlers.CALLS.append(payload)


@pytest.mark.django_db(transaction=True)
def test_parallel_relays_run_each_event_once(monkeypatch):
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.counted", ["legal_crm.core.tests.test_outbox_concurrency.slow_record"])
    monkeypatch.setattr(outbox, "BATCH", 10)
    handlers.CALLS.clear()
    EventOutbox.objects.bulk_create(
        EventOutbox(items=[["legal_crm.core.tests.test_outbox_concurrency.slow_record", "tests.counted", {"n": n}]])
        for n in range(200))
    relayed, errors = at_once(lambda _i: outbox.relay(), 3)
    assert errors == []
    assert sum(relayed) == 200
    assert sorted(call["n"] for call in handlers.CALLS) == list(range(200))
    assert not EventOutbox.objects.exists()
    handlers.CALLS.clear()
