"""Every minute: planned calls that came due tell their operator once (notify's `once` per call)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.messaging.notifications.service import notify

from .models import PlannedCall

# Calls due longer ago than this are not announced (a job down for hours, the first run after a deploy): the
# operator's «Мои звонки» already lists them as overdue.
WINDOW = datetime.timedelta(minutes=30)


def notify_calls_due(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    calls = (PlannedCall.objects.filter(done_at__isnull=True, due_at__lte=now, due_at__gt=now - WINDOW)
             .select_related("lead").order_by("due_at"))
    told = 0
    for call in calls:
        user_id = call.assignee_id or call.lead.assigned_to_id
        if user_id is None:
            continue
        zone = timezone.get_current_timezone()
        text = _("%(lead)s, в %(at)s") % {"lead": call.lead, "at": timezone.localtime(call.due_at, zone).strftime("%H:%M")}
        if call.comment:
            text += f" — {call.comment}"
        told += len(notify(users=[user_id], kind="leads.call_due", title=_("Пора звонить"), text=text,
                           link=reverse("leads_lead_card", args=[call.lead_id]),
                           subject=("leads.plannedcall", call.pk), once=True))
    return told
