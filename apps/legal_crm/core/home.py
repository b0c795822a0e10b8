"""The operations block of the desk's home page: event reactions that could not be delivered, failed jobs."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import perms
from .models import EventDelivery, JobRun


def operations_block(request) -> dict | None:
    """Shown only when something needs an administrator: dead deliveries, or jobs that failed in the last day."""
    user = request.user
    rows = []
    if user.has_perm(perms.VIEW_EVENTDELIVERY):
        dead = EventDelivery.objects.filter(status=EventDelivery.Status.DEAD).count()
        if dead:
            rows.append({"text": ngettext("%(n)d реакция на событие не доставлена",
                                          "%(n)d реакций на события не доставлено", dead) % {"n": dead},
                         "url": reverse("admin:core_eventdelivery_changelist") + "?status__exact=dead",
                         "note": _("исправьте причину и повторите или закройте")})
    if user.has_perm(perms.VIEW_JOBRUN):
        since = timezone.now() - datetime.timedelta(days=1)
        failed = JobRun.objects.filter(status=JobRun.Status.FAILED, started_at__gte=since).count()
        if failed:
            rows.append({"text": ngettext("%(n)d запуск задания завершился ошибкой за сутки",
                                          "%(n)d запусков заданий завершились ошибкой за сутки", failed)
                         % {"n": failed},
                         "url": reverse("admin:core_jobrun_changelist") + "?status__exact=failed"})
    if not rows:
        return None
    return {"key": "core-operations", "title": _("Сбои обработки"), "rows": rows}
