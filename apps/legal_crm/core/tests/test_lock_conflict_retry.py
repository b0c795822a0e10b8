"""retry_lock_conflicts: InnoDB's deadlock and lock-wait rollbacks are retried, anything else is not."""

import pytest
from django.db import OperationalError

from legal_crm.core.locks import retry_lock_conflicts


def _failing(codes):
    calls = []

    def fn(value):
        calls.append(value)
        if len(calls) <= len(codes):
            raise OperationalError(codes[len(calls) - 1], "conflict")
        return value * 2

    return fn, calls


def test_deadlock_and_lock_wait_are_retried():
    fn, calls = _failing([1213, 1205])
    assert retry_lock_conflicts(fn, 21) == 42
    assert calls == [21, 21, 21]


def test_other_errors_and_the_last_attempt_raise():
    fn, calls = _failing([2006])  # server gone away: not a lock conflict
    with pytest.raises(OperationalError):
        retry_lock_conflicts(fn, 1)
    assert len(calls) == 1
    fn, calls = _failing([1213] * 5)
    with pytest.raises(OperationalError):
        retry_lock_conflicts(fn, 1, attempts=3)
    assert len(calls) == 3


@pytest.mark.django_db
def test_inside_an_outer_transaction_nothing_is_retried():
    fn, calls = _failing([1213])
    with pytest.raises(OperationalError):
        retry_lock_conflicts(fn, 1)  # the test's transaction is open: the rollback took more than fn's work
    assert len(calls) == 1
