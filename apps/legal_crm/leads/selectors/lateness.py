"""Who was late with a lead, for the quality module's daily violation job (quality/violations/detectors.py).

Each read is one query over a window of time and yields (user id, office id, record type, record id) for every
lateness whose moment — the lead's or call's time plus the allowed delay — falls in [start, end)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Exists, OuterRef

from legal_crm.core.lateness import Row, late_rows

from ..models import AssignmentLog, LeadStatusLog, PlannedCall


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
    return late_rows(PlannedCall.objects.all(), person="assignee", office="lead__office_id", started="due_at",
                     done="done_at", delay=datetime.timedelta(hours=hours), start=start, end=end,
                     record_type="leads.plannedcall")
