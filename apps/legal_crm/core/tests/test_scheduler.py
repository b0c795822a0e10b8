"""hooks.SCHEDULER_EVENTS → Celery beat, and the commands that run jobs without a beat process."""

import datetime

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.utils import timezone

from legal_crm import hooks
from legal_crm.core import scheduler

JOB = "legal_crm.org.jobs.expire_banners"


def test_scheduler_events_use_only_known_periods():
    unknown = set(hooks.SCHEDULER_EVENTS) - set(scheduler.PERIODS) - {"cron"}
    assert not unknown, f"periods the scheduler would silently ignore: {unknown}"


def test_beat_schedule_covers_every_job_once_per_listing():
    schedule = scheduler.beat_schedule()
    scheduled = [entry["args"][0] for entry in schedule.values()]
    assert sorted(scheduled) == sorted(scheduler.all_job_paths())
    assert JOB in scheduled
    for entry in schedule.values():
        assert entry["task"] == "legal_crm.core.jobs.run_scheduled_job"
        assert isinstance(entry["schedule"], crontab)


def test_cron_expressions_become_crontabs(monkeypatch):
    monkeypatch.setitem(hooks.SCHEDULER_EVENTS, "cron", {"*/5 8-20 * * 1-5": [JOB]})
    schedule = scheduler.beat_schedule()
    entry = schedule[f"cron */5 8-20 * * 1-5:{JOB}"]
    assert entry["schedule"] == crontab(minute="*/5", hour="8-20", day_of_week="1-5")
    assert scheduler.jobs_for("*/5 8-20 * * 1-5") == [JOB]
    assert JOB in scheduler.all_job_paths()


def test_celery_app_installs_the_schedule():
    from legal_crm.celery import app

    app.finalize()
    assert {e["args"][0] for e in app.conf.beat_schedule.values()} == set(scheduler.all_job_paths())


def test_unknown_job_and_period_are_refused():
    with pytest.raises(KeyError):
        scheduler.run_job("os.system")
    with pytest.raises(KeyError):
        scheduler.jobs_for("fortnightly")


@pytest.mark.django_db
def test_run_job_command_runs_the_job():
    from legal_crm.org.models import Banner

    old = timezone.localdate() - datetime.timedelta(days=30)
    banner = Banner.objects.create(title="Старое", starts_on=old, ends_on=old)
    call_command("run_job", JOB)
    banner.refresh_from_db()
    assert banner.is_archived


@pytest.mark.django_db
def test_run_job_command_rejects_unknown_paths():
    with pytest.raises(CommandError, match="not a job"):
        call_command("run_job", "legal_crm.org.jobs.no_such_job")
    with pytest.raises(CommandError, match="not a job"):
        call_command("run_job", "os.getcwd")  # importable, but not a listed job


@pytest.mark.django_db
def test_run_scheduled_daily_runs_every_daily_job(capsys):
    call_command("run_scheduled", "daily")
    out = capsys.readouterr().out
    for path in hooks.SCHEDULER_EVENTS["daily"]:
        assert path in out


def test_run_scheduled_rejects_unknown_period():
    with pytest.raises(CommandError, match="Unknown period"):
        call_command("run_scheduled", "fortnightly")


@pytest.mark.django_db
def test_the_embedded_scheduler_runs_each_job_when_it_comes_due(monkeypatch):
    """bin/run has no Celery beat: `run_scheduled --forever` turns run_due, which runs what came due (campaigns never
    sent on the embedded default). The first turn only notes the jobs; a failing job is logged and the others run."""
    import time_machine

    from legal_crm.core.models import JobRun

    jobs = "legal_crm.core.tests.jobs_for_tests"
    monkeypatch.setattr(hooks, "SCHEDULER_EVENTS", {
        "cron": {"* * * * *": [f"{jobs}.broken", f"{jobs}.count_three"]},
        "daily": [f"{jobs}.count_three"]})
    last_runs = {}
    start = datetime.datetime(2026, 12, 7, 10, 0, 30, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert scheduler.run_due(last_runs, timezone.now()) == []
    with time_machine.travel(start + datetime.timedelta(seconds=40), tick=False):
        assert scheduler.run_due(last_runs, timezone.now()) == [f"{jobs}.broken", f"{jobs}.count_three"]
        assert scheduler.run_due(last_runs, timezone.now()) == []  # once a minute
    assert sorted(JobRun.objects.values_list("status", flat=True)) == ["failed", "ok"]
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):  # past 02:15: the daily one too
        assert len(scheduler.run_due(last_runs, timezone.now())) == 3


def test_run_scheduled_needs_a_period_or_forever():
    with pytest.raises(CommandError):
        call_command("run_scheduled")


def test_every_scheduled_job_has_a_russian_title():
    """The job log showed dotted paths («legal_crm.core.outbox.relay»): each job is named in hooks.JOB_TITLES."""
    missing = [path for path in scheduler.all_job_paths() if path not in hooks.JOB_TITLES]
    assert not missing, f"jobs without a title in hooks.JOB_TITLES: {missing}"
    stale = set(hooks.JOB_TITLES) - set(scheduler.all_job_paths())
    assert not stale, f"titles of jobs no longer scheduled: {stale}"
    for path, title in hooks.JOB_TITLES.items():
        assert str(title) and not str(title).isascii(), path


def test_a_job_without_a_title_is_named_by_its_path():
    assert scheduler.job_title("legal_crm.core.outbox.relay") == "Обработка событий"
    assert scheduler.job_title("legal_crm.leads.jobs.removed_long_ago") == "legal_crm.leads.jobs.removed_long_ago"


@pytest.mark.django_db
def test_the_job_log_names_jobs_in_russian_in_the_list_filter_search_and_page(client, admin_user):
    from django.urls import reverse

    from legal_crm.core.models import JobRun

    relay = JobRun.objects.create(job="legal_crm.core.outbox.relay", status=JobRun.Status.OK)
    old = JobRun.objects.create(job="legal_crm.leads.jobs.removed_long_ago", status=JobRun.Status.OK)
    JobRun.objects.create(job=JOB, status=JobRun.Status.OK)
    client.force_login(admin_user)
    url = reverse("admin:core_jobrun_changelist")
    page = client.get(url).content.decode()
    assert "Обработка событий" in page and "Архив старых баннеров" in page
    assert ">legal_crm.core.outbox.relay<" not in page
    assert "legal_crm.leads.jobs.removed_long_ago" in page  # unknown: its path
    assert "Поиск нарушений" in page  # the filter offers every job by its title, run or not…
    assert "?job=legal_crm.core.outbox.relay" in page.replace("&amp;", "&")
    filtered = client.get(url, {"job": "legal_crm.core.outbox.relay"})
    assert list(filtered.context["cl"].result_list) == [relay]  # … and filters by the path
    assert list(client.get(url, {"q": "обработка соб"}).context["cl"].result_list) == [relay]
    assert list(client.get(url, {"q": "removed_long"}).context["cl"].result_list) == [old]
    detail = client.get(reverse("admin:core_jobrun_change", args=[relay.pk])).content.decode()
    assert "Обработка событий" in detail and "legal_crm.core.outbox.relay" in detail
    assert str(relay).startswith("Обработка событий ")
