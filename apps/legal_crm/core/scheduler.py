"""Turns hooks.SCHEDULER_EVENTS into Celery beat's schedule and runs jobs by name."""

from __future__ import annotations

import time
import traceback

from celery.schedules import crontab
from django.utils.module_loading import import_string

PERIODS = {
    "hourly": crontab(minute=7),
    "daily": crontab(hour=2, minute=15),
    "weekly": crontab(hour=3, minute=15, day_of_week=1),
}


def _events() -> dict:
    from legal_crm import hooks

    return hooks.SCHEDULER_EVENTS


def all_job_paths() -> list[str]:
    events = _events()
    paths = [p for period in PERIODS for p in events.get(period, [])]
    for cron_paths in events.get("cron", {}).values():
        paths.extend(cron_paths)
    return paths


def job_title(path: str) -> str:
    """A job as people call it (hooks.JOB_TITLES), or its dotted path for a job the table does not name (a run
    of a job since removed)."""
    from legal_crm import hooks

    title = hooks.JOB_TITLES.get(path)
    return str(title) if title else path


def job_choices() -> list[tuple[str, str]]:
    """(path, title) of every scheduled job, by title: the job log's filter."""
    return sorted(((path, job_title(path)) for path in dict.fromkeys(all_job_paths())), key=lambda c: c[1])


def jobs_titled(text: str) -> list[str]:
    """Paths of the jobs whose title contains `text` (any case): the job log's search by name."""
    needle = text.strip().casefold()
    return [path for path, title in job_choices() if needle and needle in title.casefold()]


def jobs_for(period: str) -> list[str]:
    events = _events()
    if period in PERIODS:
        return list(events.get(period, []))
    if period in events.get("cron", {}):
        return list(events["cron"][period])
    raise KeyError(period)


def _cron(expr: str) -> crontab:
    minute, hour, day_of_month, month_of_year, day_of_week = expr.split()
    return crontab(minute=minute, hour=hour, day_of_month=day_of_month,
                   month_of_year=month_of_year, day_of_week=day_of_week)


# Daily and weekly jobs walk whole tables: they go to their own queue, so a long one never delays the per-minute
# relay, and each has a time limit (a hung job is killed and recorded as failed, then runs again next period).
LONG_QUEUE = "long"
LIMITS = {"long": (25 * 60, 30 * 60), "short": (4 * 60, 5 * 60)}  # (soft, hard) seconds


def _entry(path: str, when, *, long: bool) -> dict:
    soft, hard = LIMITS["long" if long else "short"]
    options = {"soft_time_limit": soft, "time_limit": hard}
    if long:
        options["queue"] = LONG_QUEUE
    return {"task": "legal_crm.core.jobs.run_scheduled_job", "schedule": when, "args": (path,), "options": options}


def beat_schedule() -> dict:
    schedule = {}
    events = _events()
    for period, when in PERIODS.items():
        for path in events.get(period, []):
            schedule[f"{period}:{path}"] = _entry(path, when, long=period != "hourly")
    for expr, paths in events.get("cron", {}).items():
        for path in paths:
            schedule[f"cron {expr}:{path}"] = _entry(path, _cron(expr), long=False)
    return schedule


def run_due(last_runs: dict, now) -> list[str]:
    """One turn of the embedded default's scheduler (`run_scheduled --forever`, started by bin/run in place of
    Celery beat): every job of beat_schedule() that came due since its last run, run here one after another.
    `last_runs` (name → moment) is updated; a job met for the first time counts as just run, so starting the
    process runs the per-minute jobs from the next minute and the daily ones at their hour, as beat does. A
    failing job is recorded (run_job) and does not stop the others. Returns the paths run."""
    ran = []
    for name, entry in beat_schedule().items():
        last = last_runs.setdefault(name, now)
        if not entry["schedule"].is_due(last).is_due:
            continue
        last_runs[name] = now
        path = entry["args"][0]
        try:
            run_job(path)
        except Exception:  # recorded in the job log by run_job; the next job still runs
            pass
        ran.append(path)
    return ran


def run_job(path: str):
    """Run a scheduled job and record the run (core.JobRun): start, end, duration, rows, error.

    The run's row is written before the job starts and updated after it ends, each in its own short write outside
    the job's transaction, so a job that hangs shows as running and one that fails leaves its error behind.
    """
    if path not in all_job_paths():
        raise KeyError(f"{path} is not a job in hooks.SCHEDULER_EVENTS")
    from .models import JobRun

    job = import_string(path)
    run = JobRun.objects.create(job=path)
    started = time.monotonic()
    try:
        result = job()
    except BaseException as exc:
        _finish(run, started, status=JobRun.Status.FAILED,
                error="".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-8000:])
        raise
    _finish(run, started, status=JobRun.Status.OK, rows=_rows(result))
    return result


def _rows(result) -> int | None:
    """Jobs return how many records they handled: a number, or a dict/list of numbers to add up."""
    if isinstance(result, bool):
        return None
    if isinstance(result, int):
        return result
    values = result.values() if isinstance(result, dict) else result if isinstance(result, list | tuple) else ()
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return sum(numbers) if numbers else None


def _finish(run, started: float, **fields) -> None:
    from django.utils import timezone

    run.finished_at = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=["finished_at", "duration_ms", *fields])


def prune_runs(*, now=None, keep_days: int = 30) -> int:
    """Daily: forget job runs older than keep_days (the per-minute jobs add about 3,000 rows a day)."""
    import datetime

    from django.utils import timezone

    from .models import JobRun

    limit = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    deleted, _by_model = JobRun.objects.filter(started_at__lt=limit).delete()
    return deleted
