"""core.events.emit(): handlers run after commit, never after a rollback; undeclared events raise."""

import pytest
from django.db import transaction

from legal_crm import hooks
from legal_crm.core import events
from legal_crm.core.tests import handlers

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(monkeypatch):
    handlers.CALLS.clear()
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.thing_happened", ["legal_crm.core.tests.handlers.record"])
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.both", ["legal_crm.core.tests.handlers.fail",
                                                         "legal_crm.core.tests.handlers.record"])
    yield
    handlers.CALLS.clear()


def test_handlers_run_only_after_commit(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            events.emit("tests.thing_happened", contract_id=7, amount="100.00")
            assert handlers.CALLS == []  # nothing yet: still inside the transaction
    assert len(callbacks) == 1
    assert handlers.CALLS == [{"contract_id": 7, "amount": "100.00"}]


def test_rolled_back_write_notifies_nobody(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            events.emit("tests.thing_happened", contract_id=8)
            1 / 0  # noqa: B018
    assert callbacks == []
    assert handlers.CALLS == []


def test_inner_savepoint_rollback_drops_its_events(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit("tests.thing_happened", n=1)
        try:
            with transaction.atomic():
                events.emit("tests.thing_happened", n=2)
                raise ValueError
        except ValueError:
            pass
    assert handlers.CALLS == [{"n": 1}]


def test_a_failing_handler_does_not_stop_the_others(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.both", n=3)
    assert handlers.CALLS == [{"n": 3}]


def test_undeclared_event_raises():
    with pytest.raises(KeyError, match="not declared"):
        events.emit("tests.never_declared", x=1)


def test_event_without_handlers_queues_nothing(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.silent", [])
    with django_capture_on_commit_callbacks() as callbacks:
        events.emit("tests.silent", x=1)
    assert callbacks == []


def test_batch_sends_one_task_after_commit(declared, django_capture_on_commit_callbacks, monkeypatch):
    from legal_crm.core import jobs

    sent = []
    monkeypatch.setattr(jobs.run_event_handlers, "apply_async", lambda args, **options: sent.append(args[0]) or
                        events.call_handlers(args[0]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with events.batch():
            events.emit("tests.thing_happened", n=1)
            events.emit("tests.both", n=2)
            assert handlers.CALLS == []
    assert len(callbacks) == 1 and len(sent) == 1
    assert [path for path, _e, _p in sent[0]] == ["legal_crm.core.tests.handlers.record",
                                                  "legal_crm.core.tests.handlers.fail",
                                                  "legal_crm.core.tests.handlers.record"]
    assert handlers.CALLS == [{"n": 1}, {"n": 2}]  # the failing handler did not stop the last one


def test_batch_keeps_savepoint_rollback_exact(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), events.batch():
        events.emit("tests.thing_happened", n=1)
        try:
            with transaction.atomic():
                events.emit("tests.thing_happened", n=2)
                raise ValueError
        except ValueError:
            pass
        events.emit("tests.thing_happened", n=3)
    assert handlers.CALLS == [{"n": 1}, {"n": 3}]


def test_batch_rolled_back_notifies_nobody(declared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ZeroDivisionError), transaction.atomic(), events.batch():
            events.emit("tests.thing_happened", n=1)
            1 / 0  # noqa: B018
    assert callbacks == [] and handlers.CALLS == []


def test_handler_that_lost_its_connection_is_queued_again(monkeypatch):
    from legal_crm.core import jobs

    requeued = []
    monkeypatch.setattr(jobs.run_event_handler, "delay", lambda *args: requeued.append(args))
    monkeypatch.setattr(events, "call_handler", lambda path, event, payload: (_ for _ in ()).throw(
        ConnectionError("broker gone")) if path == "a" else None)
    events.call_handlers([("a", "tests.both", {"n": 1}), ("b", "tests.both", {"n": 1})])
    assert requeued == [("a", "tests.both", {"n": 1})]
