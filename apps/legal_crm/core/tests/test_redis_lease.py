"""core.locks.RedisLease: taken in a round trip the caller sends anyway, waited for, released only by its holder,
refused once it may have run out (Redis in CI)."""

import datetime
import logging
import os

import pytest
from django.core.cache import caches

from legal_crm.core import locks, sliding_counts
from legal_crm.core.locks import LockBusy, RedisLease

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (CI sets REDIS_URL)")

NOW = datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC)


def _taken(name: str) -> RedisLease:
    lease = RedisLease(name)
    sliding_counts.counts([], NOW, also=(lease,))
    return lease


def test_the_first_attempt_rides_in_the_counts_round_trip_and_a_second_holder_waits():
    first = _taken("t-lease-1")
    assert first.client is not None and first.taken
    second = _taken("t-lease-1")
    assert second.client is not None and not second.taken
    with first.hold(), pytest.raises(LockBusy), second.hold(timeout=0.05):
        pass  # the first holds it for the whole wait: refused whatever the machine's speed
    # Released when the first's block ended: the second takes it now.
    with second.hold(timeout=0.05):
        assert first.client.get(second.key) == second.token.encode()
    assert first.client.get(second.key) is None


def test_a_holder_whose_lease_was_taken_over_does_not_free_the_new_holders(caplog):
    lease = _taken("t-lease-2")
    with caplog.at_level(logging.WARNING, logger="legal_crm.core.locks"), lease.hold():
        lease.client.set(lease.key, "another holder", px=60_000)  # ran out and was taken meanwhile
    assert lease.client.get(lease.key) == b"another holder"
    assert "ran out" in caplog.text
    lease.client.delete(lease.key)


def test_check_refuses_once_the_lease_may_have_run_out(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(locks.time, "monotonic", lambda: clock[0])
    lease = _taken("t-lease-3")
    with lease.hold():
        clock[0] += lease.lease - lease.margin
        lease.check()  # still inside the lease, with the margin left for the commit
        clock[0] += 0.5
        with pytest.raises(LockBusy):
            lease.check()


def test_clearing_the_cache_keeps_held_leases():
    lease = _taken("t-lease-4")
    with lease.hold():
        caches["default"].clear()
        assert lease.client.get(lease.key) == lease.token.encode()
