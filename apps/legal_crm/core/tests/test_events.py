"""core.events.emit(): handlers run after commit, never after a rollback; undeclared events raise."""

import time

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


def test_batch_stores_one_row_relayed_after_commit(declared, django_capture_on_commit_callbacks):
    from legal_crm.core.models import EventOutbox

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with events.batch():
            events.emit("tests.thing_happened", n=1)
            events.emit("tests.both", n=2)
            assert handlers.CALLS == []
        assert [[path for path, _e, _p in row.items] for row in EventOutbox.objects.all()] == [[
            "legal_crm.core.tests.handlers.record", "legal_crm.core.tests.handlers.fail",
            "legal_crm.core.tests.handlers.record"]]
    assert len(callbacks) == 1
    assert handlers.CALLS == [{"n": 1}, {"n": 2}]  # the failing handler did not stop the last one
    assert not EventOutbox.objects.exists()


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


def test_handler_that_lost_its_connection_is_kept_for_a_retry(declared, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from legal_crm.core.models import EventDelivery

    monkeypatch.setattr(handlers, "fail", lambda **payload: (_ for _ in ()).throw(ConnectionError("provider gone")))
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.both", n=1)
    kept = EventDelivery.objects.get()
    assert (kept.handler, kept.event, kept.payload, kept.status) == (
        "legal_crm.core.tests.handlers.fail", "tests.both", {"n": 1}, EventDelivery.Status.RETRYING)
    assert "provider gone" in kept.error
    assert handlers.CALLS == [{"n": 1}]


def test_a_failing_handler_keeps_its_writes_out_and_the_others_in(declared, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    """Each handler runs in its own savepoint: a failure undoes only that handler's writes."""
    from legal_crm.core.models import AuditLog

    def write_then_fail(**payload):
        AuditLog.objects.create(action="tests.half_done", content_type_id=1, object_id="1")
        raise RuntimeError("handler bug")

    monkeypatch.setattr(handlers, "fail", write_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.both", n=4)
    assert handlers.CALLS == [{"n": 4}]
    assert not AuditLog.objects.filter(action="tests.half_done").exists()


@pytest.fixture
def through_broker(monkeypatch):
    """Jobs go to the broker (as in production) instead of running in-process."""
    from legal_crm import celery_app
    from legal_crm.core import outbox

    monkeypatch.setattr(outbox, "_relay_due", 0.0)
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = saved


def test_rows_of_a_lost_relay_request_are_relayed_later(declared, monkeypatch, through_broker,
                                                        django_capture_on_commit_callbacks):
    """The broker refused the relay request: the committed event stays in the outbox for the scheduled relay."""
    from legal_crm.core import jobs, outbox, scheduler
    from legal_crm.core.models import EventOutbox

    monkeypatch.setattr(jobs.relay_events, "apply_async", lambda **kw: (_ for _ in ()).throw(OSError("no broker")))
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.thing_happened", n=5)
    assert handlers.CALLS == [] and EventOutbox.objects.count() == 1
    # The next commits do not wait on the dead broker again at once; after BROKER_DOWN_RETRY one asks again.
    assert outbox._relay_due > time.monotonic() + outbox.BROKER_DOWN_RETRY - 1
    calls = []
    monkeypatch.setattr(jobs.relay_events, "apply_async", lambda **kw: calls.append(kw))
    outbox.request_relay()
    assert calls == []
    monkeypatch.setattr(outbox, "_relay_due", time.monotonic() - 1)
    outbox.request_relay()
    assert len(calls) == 1
    assert "legal_crm.core.outbox.relay" in scheduler.all_job_paths()
    assert scheduler.run_job("legal_crm.core.outbox.relay") == 1
    assert handlers.CALLS == [{"n": 5}] and not EventOutbox.objects.exists()


def test_relay_requests_are_one_per_delay_per_process(declared, monkeypatch, through_broker,
                                                       django_capture_on_commit_callbacks):
    from legal_crm.core import jobs, outbox

    requested = []
    monkeypatch.setattr(outbox, "RELAY_DELAY", 30)  # the five emits below surely fall in one delay
    monkeypatch.setattr(jobs.relay_events, "apply_async", lambda **kw: requested.append(kw))
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            events.emit("tests.thing_happened", n=n)
    # One request, delayed so that it runs after all five rows were committed.
    assert requested == [{"countdown": outbox.RELAY_DELAY}]
    assert outbox.relay() == 5 and len(handlers.CALLS) == 5


def test_pending_events_are_listed_in_the_desk(client, admin_user, make_staff):
    from django.urls import reverse

    from legal_crm.core.models import EventOutbox

    EventOutbox.objects.create(items=[["legal_crm.x.handler", "leads.lead_created", {"lead_id": 1}]])
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_eventoutbox_changelist"))
    assert page.status_code == 200 and "leads.lead_created" in page.content.decode()
    client.force_login(make_staff("operator"))
    assert client.get(reverse("admin:core_eventoutbox_changelist")).status_code == 403


def test_a_relay_batch_that_deadlocks_leaves_its_rows(declared, monkeypatch):
    from django.db import OperationalError

    from legal_crm.core import outbox
    from legal_crm.core.models import EventOutbox

    EventOutbox.objects.create(items=[["legal_crm.core.tests.handlers.record", "tests.thing_happened", {"n": 6}]])
    with monkeypatch.context() as patched:
        patched.setattr(outbox, "_relay_batch", lambda: (_ for _ in ()).throw(OperationalError(1213, "Deadlock")))
        assert outbox.relay() == 0
    assert handlers.CALLS == [] and EventOutbox.objects.count() == 1
    assert outbox.relay() == 1 and handlers.CALLS == [{"n": 6}]


def test_dates_and_decimals_in_a_payload_arrive_as_strings(declared, django_capture_on_commit_callbacks):
    import datetime
    from decimal import Decimal

    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.thing_happened", on=datetime.date(2026, 11, 28), amount=Decimal("100.50"))
    assert handlers.CALLS == [{"on": "2026-11-28", "amount": "100.50"}]


def test_in_process_a_backlog_is_relayed_a_bounded_part_per_relay(declared, monkeypatch):
    """Jobs run in-process (the embedded default): a backlog larger than one relay's batches is not chased to its end
    inside the request that committed last (it recursed once per relay, through the whole backlog); the rest goes
    with the next relay."""
    from legal_crm.core import outbox
    from legal_crm.core.models import EventOutbox

    assert outbox._eager()
    monkeypatch.setattr(outbox, "BATCH", 2)
    for n in range(7):
        EventOutbox.objects.create(items=[["legal_crm.core.tests.handlers.record", "tests.thing_happened", {"n": n}]])
    assert outbox.relay(max_batches=2) == 4
    assert EventOutbox.objects.count() == 3 and handlers.CALLS == [{"n": n} for n in range(4)]
    assert outbox.relay(max_batches=2) == 3
    assert handlers.CALLS == [{"n": n} for n in range(7)] and not EventOutbox.objects.exists()
