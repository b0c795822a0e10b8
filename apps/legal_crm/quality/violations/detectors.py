"""The daily job's checks, one per kind of rule. Each reads the owning module through its selectors (quality sits
above leads, todos and contracts) with one set-based query over the day and yields (offender id, office id, record
type, record id) per case: the job groups them per person, never loops per employee."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import F, Q

from legal_crm.contracts.selectors import contracts_idle_lawyers
from legal_crm.leads.selectors.lateness import calls_overdue, leads_not_taken
from legal_crm.todos.selectors import tasks_overdue_on

from ..models import Complaint

Row = tuple[int, int | None, str, str]


def lead_not_taken(params: dict, day: datetime.date, start, end) -> Iterator[Row]:
    return leads_not_taken(minutes=int(params["minutes"]), start=start, end=end)


def call_overdue(params: dict, day: datetime.date, start, end) -> Iterator[Row]:
    return calls_overdue(hours=int(params["hours"]), start=start, end=end)


def task_overdue(params: dict, day: datetime.date, start, end) -> Iterator[Row]:
    return tasks_overdue_on(day, day_ended_at=end)


def contract_idle(params: dict, day: datetime.date, start, end) -> Iterator[Row]:
    return contracts_idle_lawyers(days=int(params["days"]), day=day)


def complaint_open(params: dict, day: datetime.date, start, end) -> Iterator[Row]:
    """Complaints whose responsible employee had them `days` days (from the assignment) without closing them."""
    delay = datetime.timedelta(days=int(params["days"]))
    rows = (Complaint.objects
            .filter(responsible__isnull=False, assigned_at__gte=start - delay, assigned_at__lt=end - delay)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=F("assigned_at") + delay))
            .values_list("responsible_id", "contract__office_id", "pk"))
    for user_id, office_id, complaint_id in rows.iterator(chunk_size=2000):
        yield user_id, office_id, "quality.complaint", str(complaint_id)
