"""Daily: open termination requests whose legal answer date is near tell the office heads, once per request."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.messaging.notifications.service import Note, notify_many

from .handlers_notifications import office_heads
from .models import TerminationRequest

DAYS_AHEAD = 3


def notify_termination_deadlines(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    rows = (TerminationRequest.objects.filter(status=TerminationRequest.Status.OPEN,
                                              decision_due_on__gte=today,
                                              decision_due_on__lte=today + datetime.timedelta(days=DAYS_AHEAD))
            .select_related("contract"))
    heads: dict[int, list] = {}  # office → its heads, read once per office
    notes = []
    for row in rows:
        office_id = row.contract.office_id
        if office_id not in heads:
            heads[office_id] = list(office_heads(office_id).values_list("pk", flat=True))
        title = _("Ответ на заявление о расторжении — до %(d)s") % {"d": row.decision_due_on.strftime("%d.%m.%Y")}
        text = _("Договор %(n)s") % {"n": row.contract.number}
        link = reverse("admin:contracts_terminationrequest_change", args=[row.pk])
        notes += [Note(user, title, text, link, ("contracts.terminationrequest", row.pk)) for user in heads[office_id]]
    return len(notify_many(kind="contracts.termination_deadline", notes=notes, once=True))
