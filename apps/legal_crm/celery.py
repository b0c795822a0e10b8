"""The Celery application. Beat's schedule is built from hooks.SCHEDULER_EVENTS."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.embedded")

app = Celery("legal_crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(related_name="jobs")


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from legal_crm.core.scheduler import beat_schedule

    sender.conf.beat_schedule = beat_schedule()
