"""«Просроченные звонки» (SPEC 5.6.11): planned calls not made on time per office and employee, how late (the
lateness buckets and chart) on each call's date or at the period's end, prospective or current clients, XLSX,
only the user's offices."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory, status

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 20, 12, 0, tzinfo=datetime.UTC)
H = datetime.timedelta(hours=1)
URL = "admin:leads_plannedcall_overdue"
DECEMBER = {"date_from": "01.12.2026", "date_to": "31.12.2026"}


@pytest.fixture
def calls(office, other_office, make_staff):
    """Late by: 30 min (still pending), 2 h (made 2 h late), 2 days (pending), 10 days (pending, a client);
    on time (made early) and not due yet — not overdue; another office's 5 h late — not the head's."""
    anna, boris = make_staff("operator"), make_staff("operator")
    prospect = LeadFactory(office=office)
    client = LeadFactory(office=office, status=status("converted"))
    made = {"done_at": NOW - 8 * H, "result": "reached"}
    PlannedCallFactory(lead=prospect, assignee=anna, due_at=NOW - H / 2)
    PlannedCallFactory(lead=prospect, assignee=anna, due_at=NOW - 10 * H, **made)
    PlannedCallFactory(lead=prospect, assignee=boris, due_at=NOW - 48 * H)
    PlannedCallFactory(lead=client, assignee=boris, due_at=NOW - 240 * H)
    PlannedCallFactory(lead=prospect, assignee=anna, due_at=NOW - 7 * H, **made)  # made an hour early
    PlannedCallFactory(lead=prospect, assignee=anna, due_at=NOW + H)
    PlannedCallFactory(lead=LeadFactory(office=other_office), due_at=NOW - 5 * H)
    return anna, boris


def _get(client, user, **params):
    with time_machine.travel(NOW, tick=False):  # signed in at that moment: a session of another day has expired
        client.force_login(user)
        return client.get(reverse(URL), {**DECEMBER, **params})


def test_overdue_calls_per_employee_with_lateness_buckets(client, make_staff, calls):
    anna, boris = calls
    page = _get(client, make_staff("office_head"), by="employee")
    rows = {r["label"]: (r["total"], r["pending"], r["buckets"]) for r in page.context["rows"]}
    assert rows == {f"{anna.last_name} {anna.first_name}": (2, 1, [1, 1, 0, 0, 0, 0]),
                    f"{boris.last_name} {boris.first_name}": (2, 2, [0, 0, 0, 1, 0, 1])}
    assert [b["count"] for b in page.context["chart"]] == [1, 1, 0, 1, 0, 1]
    assert 'id="lateness-chart"' in page.content.decode()


def test_at_the_period_end_and_by_client_kind(client, make_staff, calls, office):
    head = make_staff("office_head")
    # nothing was due in November; at 16.12 only the call due 10.12 was late (by 5 days 12 h) and not made
    assert _get(client, head, date_from="01.11.2026", date_to="30.11.2026", mode="end").context["rows"] == []
    [row] = _get(client, head, date_from="01.12.2026", date_to="15.12.2026", mode="end").context["rows"]
    assert (row["label"], row["total"], row["buckets"]) == (office.name, 1, [0, 0, 0, 0, 1, 0])
    [row] = _get(client, head, clients="current").context["rows"]
    assert (row["total"], row["buckets"]) == (1, [0, 0, 0, 0, 0, 1])
    [row] = _get(client, head, clients="prospective").context["rows"]
    assert row["total"] == 3


def test_overdue_calls_xlsx_and_rights(client, make_staff, calls, office):
    head = make_staff("office_head")
    sheet = load_workbook(BytesIO(_get(client, head, export="xlsx").content)).active
    assert [c.value for c in sheet[3]] == [office.name, 4, 3, 1, 1, 0, 1, 0, 1]
    assert sheet.cell(row=sheet.max_row, column=1).value == "Итого"
    assert _get(client, make_staff("operator")).status_code == 403  # sees planned calls, not call statistics
