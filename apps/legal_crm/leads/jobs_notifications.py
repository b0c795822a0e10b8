"""Every minute: planned calls that came due tell their operator once (notify's `once` per call)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.messaging.notifications.service import Note, notify_many

from .models import PlannedCall

# Calls due longer ago than this are not announced (a job down for hours, the first run after a deploy): the
# operator's «Мои звонки» already lists them as overdue.
WINDOW = datetime.timedelta(minutes=30)


def notify_calls_due(now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    calls = (PlannedCall.objects.filter(done_at__isnull=True, due_at__lte=now, due_at__gt=now - WINDOW)
             .select_related("lead").order_by("due_at"))
    notes = []
    zone = timezone.get_current_timezone()
    for call in calls:
        user_id = call.assignee_id or call.lead.assigned_to_id
        if user_id is None:
            continue
        text = _("%(lead)s, в %(at)s") % {"lead": call.lead, "at": timezone.localtime(call.due_at, zone).strftime("%H:%M")}
        if call.comment:
            text += f" — {call.comment}"
        notes.append(Note(user_id, _("Пора звонить"), text, reverse("leads_lead_card", args=[call.lead_id]),
                          ("leads.plannedcall", call.pk)))
    return len(notify_many(kind="leads.call_due", notes=notes, once=True))  # one bulk write for the minute's calls
