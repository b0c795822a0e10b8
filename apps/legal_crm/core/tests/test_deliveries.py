"""Failed reactions to events are kept, retried with backoff, then dead until an administrator acts."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal_crm import hooks
from legal_crm.core import deliveries, events, scheduler
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog, EventDelivery, EventOutbox, JobRun
from legal_crm.core.tests import handlers

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def flaky(monkeypatch):
    handlers.CALLS.clear()
    monkeypatch.setitem(hooks.DOC_EVENTS, "tests.flaky", ["legal_crm.core.tests.handlers.flaky"])
    yield handlers.FAILURES_LEFT
    handlers.FAILURES_LEFT[0] = 0
    handlers.CALLS.clear()


def _emit(django_capture_on_commit_callbacks, **payload):
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("tests.flaky", **payload)


def test_a_handler_that_fails_twice_then_succeeds_is_delivered_exactly_once(flaky, django_capture_on_commit_callbacks):
    flaky[0] = 2
    with time_machine.travel(START, tick=False) as clock:
        _emit(django_capture_on_commit_callbacks, n=1)
        delivery = EventDelivery.objects.get()
        assert (delivery.status, delivery.attempts) == (EventDelivery.Status.RETRYING, 1)
        assert delivery.next_attempt_at == START + datetime.timedelta(minutes=1)
        assert not EventOutbox.objects.exists()  # moved from the outbox to the retry table, not copied

        assert deliveries.retry_due() == 0  # not due yet: nothing runs
        assert EventDelivery.objects.get().attempts == 1

        clock.shift(datetime.timedelta(minutes=1))
        assert deliveries.retry_due() == 0  # second failure; the next wait doubles
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == timezone.now() + datetime.timedelta(minutes=2)

        clock.shift(datetime.timedelta(minutes=2))
        assert deliveries.retry_due() == 1
        clock.shift(datetime.timedelta(hours=2))
        assert deliveries.retry_due() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        EventDelivery.Status.DELIVERED, 3, None)
    assert handlers.CALLS == [{"n": 1}]


def test_after_the_last_attempt_a_delivery_is_dead_and_the_home_page_says_so(
        flaky, django_capture_on_commit_callbacks, admin_user, client):
    flaky[0] = 100
    with time_machine.travel(START, tick=False) as clock:
        _emit(django_capture_on_commit_callbacks, n=7)
        for _attempt in range(deliveries.MAX_ATTEMPTS + 2):
            clock.shift(deliveries.BACKOFF_MAX)
            deliveries.retry_due()
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (EventDelivery.Status.DEAD, deliveries.MAX_ATTEMPTS)
    assert "provider unreachable" in delivery.error
    assert handlers.CALLS == []

    client.force_login(admin_user)
    home = client.get(reverse("admin:index")).content.decode()
    assert 'data-block="core-operations"' in home and "не доставлен" in home
    page = client.get(reverse("admin:core_eventdelivery_changelist") + "?status__exact=dead")
    assert page.status_code == 200 and "tests.flaky" in page.content.decode()
    detail = client.get(reverse("admin:core_eventdelivery_change", args=[delivery.pk])).content.decode()
    assert "provider unreachable" in detail


def test_an_administrator_retries_after_the_fix_and_closes_what_is_not_needed(
        flaky, django_capture_on_commit_callbacks, admin_user, client):
    flaky[0] = 100
    _emit(django_capture_on_commit_callbacks, n=1)
    _emit(django_capture_on_commit_callbacks, n=2)
    first, second = EventDelivery.objects.order_by("id")
    EventDelivery.objects.update(status=EventDelivery.Status.DEAD, next_attempt_at=None)
    flaky[0] = 0  # the cause is fixed

    client.force_login(admin_user)
    url = reverse("admin:core_eventdelivery_changelist")
    response = client.post(url, {"action": "retry_selected", "_selected_action": [first.pk]}, follow=True)
    assert "Доставлено: 1" in response.content.decode()
    client.post(url, {"action": "resolve_selected", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == EventDelivery.Status.DELIVERED and handlers.CALLS == [{"n": 1}]
    assert (second.status, second.resolved_by) == (EventDelivery.Status.RESOLVED, admin_user)
    assert set(AuditLog.objects.filter(action__startswith="delivery.").values_list("action", flat=True)) == {
        "delivery.retry", "delivery.resolve"}
    home = client.get(reverse("admin:index")).content.decode()
    assert 'data-block="core-operations"' not in home


def test_only_administrators_see_and_act_on_failures(flaky, django_capture_on_commit_callbacks, make_staff, client):
    flaky[0] = 1
    _emit(django_capture_on_commit_callbacks, n=1)
    office_head = make_staff("office_head")
    with pytest.raises(DomainError):
        deliveries.deliveries_retry(actor=office_head, deliveries=EventDelivery.objects.all())
    with pytest.raises(DomainError):
        deliveries.deliveries_resolve(actor=office_head, deliveries=EventDelivery.objects.all())
    client.force_login(office_head)
    assert client.get(reverse("admin:core_eventdelivery_changelist")).status_code == 403
    assert handlers.CALLS == []


def test_every_scheduled_job_run_is_recorded(monkeypatch):
    monkeypatch.setitem(hooks.SCHEDULER_EVENTS, "hourly", ["legal_crm.core.tests.jobs_for_tests.count_three",
                                                           "legal_crm.core.tests.jobs_for_tests.broken"])
    assert scheduler.run_job("legal_crm.core.tests.jobs_for_tests.count_three") == {"a": 1, "b": 2}
    with pytest.raises(RuntimeError):
        scheduler.run_job("legal_crm.core.tests.jobs_for_tests.broken")
    ok, failed = JobRun.objects.order_by("id")
    assert (ok.status, ok.rows, ok.error) == (JobRun.Status.OK, 3, "")
    assert ok.finished_at is not None and ok.duration_ms is not None
    assert failed.status == JobRun.Status.FAILED and "job broke" in failed.error


def test_old_job_runs_and_closed_deliveries_are_pruned():
    old = timezone.now() - datetime.timedelta(days=31)
    JobRun.objects.create(job="x", started_at=old)
    JobRun.objects.create(job="y")
    EventDelivery.objects.create(event="e", handler="h", payload={}, status=EventDelivery.Status.DELIVERED,
                                 last_attempt_at=old)
    EventDelivery.objects.create(event="e", handler="h", payload={}, status=EventDelivery.Status.DEAD,
                                 last_attempt_at=old)
    assert scheduler.prune_runs() == 1 and deliveries.prune() == 1
    assert list(JobRun.objects.values_list("job", flat=True)) == ["y"]
    assert EventDelivery.objects.get().status == EventDelivery.Status.DEAD  # dead ones wait for a person


def test_long_jobs_go_to_their_own_queue_with_time_limits():
    schedule = scheduler.beat_schedule()
    daily = next(e for key, e in schedule.items() if key.startswith("daily:"))
    relay = next(e for key, e in schedule.items() if key.endswith("core.outbox.relay"))
    assert daily["options"]["queue"] == scheduler.LONG_QUEUE and daily["options"]["time_limit"] > 0
    assert "queue" not in relay["options"] and relay["options"]["time_limit"] > 0
