"""The one table of document events and scheduled jobs (Frappe's hooks.py).

DOC_EVENTS: event name → dotted paths of handlers. `core.events.emit()` queues each handler as a
Celery task after the surrounding transaction commits; a handler takes the event's payload as
keyword arguments and must be idempotent.

SCHEDULER_EVENTS: "hourly" / "daily" / "weekly" → job paths, and "cron" → {"m h dom mon dow": [...]}.
They become Celery beat's schedule; `manage.py run_job PATH` or `manage.py run_scheduled daily` run
them without a beat process (the embedded default). Times are UTC; jobs that follow an office's local
time look it up themselves. Every job is safe to run twice.

HOME_BLOCKS: blocks of the desk's home page ("My day"), each `(request) -> dict | None`.
DEMO_SEEDERS: what `manage.py seed_demo` runs, lower modules first; each is idempotent.
"""

DOC_EVENTS: dict[str, list[str]] = {
    "org.employee_blocked": [
        "legal_crm.org.handlers.end_sessions_of_blocked",
    ],
    "org.offboarding_completed": [],
    "core.access_changed": [],
}

SCHEDULER_EVENTS: dict = {
    "hourly": [],
    "daily": [
        "legal_crm.org.jobs.expire_banners",
    ],
    "weekly": [],
    "cron": {},
}

HOME_BLOCKS: list[str] = []

DEMO_SEEDERS: list[str] = [
    "legal_crm.org.demo.seed",
    "legal_crm.directory.demo.seed",
]
