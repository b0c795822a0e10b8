"""Turns hooks.SCHEDULER_EVENTS into Celery beat's schedule and runs jobs by name."""

from __future__ import annotations

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


def beat_schedule() -> dict:
    schedule = {}
    events = _events()
    for period, when in PERIODS.items():
        for path in events.get(period, []):
            schedule[f"{period}:{path}"] = {"task": "legal_crm.core.jobs.run_scheduled_job",
                                            "schedule": when, "args": (path,)}
    for expr, paths in events.get("cron", {}).items():
        for path in paths:
            schedule[f"cron {expr}:{path}"] = {"task": "legal_crm.core.jobs.run_scheduled_job",
                                               "schedule": _cron(expr), "args": (path,)}
    return schedule


def run_job(path: str):
    if path not in all_job_paths():
        raise KeyError(f"{path} is not a job in hooks.SCHEDULER_EVENTS")
    return import_string(path)()
