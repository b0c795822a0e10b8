"""The daily job's checks, one per kind of rule. Each reads the owning module through its selectors (quality sits
above leads, todos and contracts) with one set-based query over the day and yields (offender id, office id, record
type, record id) per case: the job groups them per person, never loops per employee."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from legal_crm.contracts.selectors import contracts_idle_lawyers
from legal_crm.core.lateness import Row, late_rows
from legal_crm.leads.selectors.lateness import calls_overdue, leads_not_taken
from legal_crm.todos.selectors import tasks_overdue_on

from ..models import Complaint


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
    return late_rows(Complaint.objects.all(), person="responsible", office="contract__office_id",
                     started="assigned_at", done="closed_at", delay=datetime.timedelta(days=int(params["days"])),
                     start=start, end=end, record_type="quality.complaint")
