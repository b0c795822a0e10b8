"""Who was late with a lead, for the quality module's daily violation job (quality/violations/detectors.py).

Each read is one query over a window of time and yields (user id, office id, record type, record id) for every
lateness whose moment — the lead's or call's time plus the allowed delay — falls in [start, end)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, F, OuterRef, Q

from ..models import AssignmentLog, LeadStatusLog, PlannedCall

Row = tuple[int, int | None, str, str]


def leads_not_taken(*, minutes: int, start: datetime.datetime, end: datetime.datetime) -> Iterator[Row]:
    """Leads given to an operator who did not change their status within `minutes` of the assignment, unless the
    lead went to someone else first (then that person's own clock runs)."""
    delay = datetime.timedelta(minutes=minutes)
    taken = LeadStatusLog.objects.filter(lead_id=OuterRef("lead_id"), from_status__isnull=False,
                                         at__gte=OuterRef("at"), at__lte=OuterRef("at") + delay)
    passed_on = AssignmentLog.objects.filter(lead_id=OuterRef("lead_id"), at__gt=OuterRef("at"),
                                             at__lt=OuterRef("at") + delay).exclude(pk=OuterRef("pk"))
    rows = (AssignmentLog.objects
            .filter(assigned_to__isnull=False, at__gte=start - delay, at__lt=end - delay, lead__is_spam=False)
            .filter(~Exists(taken), ~Exists(passed_on))
            .values_list("assigned_to_id", "office_id", "lead__office_id", "lead_id"))
    for user_id, office_id, lead_office_id, lead_id in rows.iterator(chunk_size=2000):
        yield user_id, office_id or lead_office_id, "leads.lead", str(lead_id)


def calls_overdue(*, hours: int, start: datetime.datetime, end: datetime.datetime) -> Iterator[Row]:
    """Planned calls not made within `hours` of their time (still open, or made later than that)."""
    delay = datetime.timedelta(hours=hours)
    rows = (PlannedCall.objects
            .filter(assignee__isnull=False, due_at__gte=start - delay, due_at__lt=end - delay)
            .filter(Q(done_at__isnull=True) | Q(done_at__gt=F("due_at") + delay))
            .values_list("assignee_id", "lead__office_id", "pk"))
    for user_id, office_id, call_id in rows.iterator(chunk_size=2000):
        yield user_id, office_id, "leads.plannedcall", str(call_id)
