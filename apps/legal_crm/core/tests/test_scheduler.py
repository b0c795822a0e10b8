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
