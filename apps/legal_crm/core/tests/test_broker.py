"""The Redis broker transport reuses one client for its publishes (kombu builds one per publish)."""

import os
import uuid

import pytest
from kombu import Connection

from legal_crm.core import broker

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI sets REDIS_URL)")


def test_publishes_share_one_client(monkeypatch):
    built = []
    original = broker.Channel._create_client

    def counting(self, asynchronous=False):
        built.append(asynchronous)
        return original(self, asynchronous=asynchronous)

    monkeypatch.setattr(broker.Channel, "_create_client", counting)
    name = f"test-broker-{uuid.uuid4().hex[:8]}"
    with Connection(os.environ["REDIS_URL"], transport="legal_crm.core.broker:Transport") as conn:
        queue = conn.SimpleQueue(name)
        for i in range(5):
            queue.put({"n": i})
        got = [queue.get(timeout=5) for _ in range(5)]
        for message in got:
            message.ack()
        assert [m.payload["n"] for m in got] == list(range(5))
        queue.clear()
        queue.close()
    assert built.count(False) == 1
