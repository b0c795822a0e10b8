"""The daily call summary: counted by the call-record service as calls end (and corrected by the PBX's record),
equal to a rebuild from the call log; the nightly job and the command rebuild; the statistics read it."""

from __future__ import annotations

import datetime
import socket

import pytest
import time_machine
from django.core.management import call_command

from legal_crm.core.errors import DomainError
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.telephony.adapters.base import ANSWERED, ENDED, RINGING
from legal_crm.telephony.jobs import rebuild_yesterdays_summary
from legal_crm.telephony.models import Call, CallDaySummary, CompanyNumber, Pbx
from legal_crm.telephony.selectors import call_stats
from legal_crm.telephony.services import call_event_apply, call_start
from legal_crm.telephony.services_summary import summary_rebuild, summary_zone

from .conftest_helpers import T0, event, give_extension

pytestmark = pytest.mark.django_db
DAY = T0.date()  # 02.12.2026 13:00 in Moscow


def _rows() -> dict:
    return {r.key: (r.calls, r.talk_seconds, r.wait_seconds)
            for r in CallDaySummary.objects.filter(calls__gt=0).order_by("key")}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_service_counts_what_a_rebuild_finds(operator, office, django_capture_on_commit_callbacks):
    give_extension(operator)
    CompanyNumber.objects.create(number="+74951234567", office=office)
    incoming = {"direction": "in", "to_number": "74951234567", "company_number": "74951234567", "extension": "101"}
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=None, event=event(RINGING, "a-1", 0, from_number="+79165550401", **incoming))
        call_event_apply(pbx=None, event=event(ANSWERED, "a-1", 5))
        call_event_apply(pbx=None, event=event(ENDED, "a-1", 65))
        call_event_apply(pbx=None, event=event(ENDED, "a-1", 66, result="answered", duration=62))  # the Cdr
        call_event_apply(pbx=None, event=event(ENDED, "a-1", 67))  # a replay: counted once
        call_event_apply(pbx=None, event=event(RINGING, "m-1", 0, from_number="+79165550402", **incoming))
        call_event_apply(pbx=None, event=event(ENDED, "m-1", 30))
        call_event_apply(pbx=None, event=event(RINGING, "live", 0, from_number="+79165550403", **incoming))
    Pbx.objects.create(kind="asterisk", name="Asterisk", host="127.0.0.1", port=_closed_port(), login="crm",
                       secret="ami-secret", office=office)
    lead = LeadFactory(office=office, phone="+79165550404")
    with pytest.raises(DomainError):  # the PBX is down: a failed call, counted too
        call_start(actor=operator, phone=lead.phone, lead_id=lead.pk)

    counted = _rows()
    assert sorted(counted.values()) == [(1, 0, 0), (1, 0, 30), (1, 62, 5)]
    assert Call.objects.filter(state="ended").count() == 3  # the ringing one is not in the summary yet
    CallDaySummary.objects.all().delete()
    for day in {c.started_at.astimezone(summary_zone()).date() for c in Call.objects.all()}:
        summary_rebuild(day)  # the failed call started now, the others at T0
    assert _rows() == counted


def test_statistics_read_the_summary_in_the_users_offices(make_staff, office, other_office):
    employee = make_staff("operator").employee
    for o, result, talk in ((office, "answered", 100), (office, "missed", 0), (other_office, "answered", 50)):
        Call.objects.create(office=o, employee=employee, direction="in", result=result, state="ended",
                            duration=talk, started_at=T0)
    head = make_staff("office_head")
    assert call_stats(head, date_from=DAY, date_to=DAY, by="office") == []  # nothing summed yet
    summary_rebuild(DAY)
    [row] = call_stats(head, date_from=DAY, date_to=DAY, by="office")
    assert (row["label"], row["total"], row["answered"], row["missed"], row["talk"]) == (office.name, 2, 1, 1, 100)
    assert call_stats(make_staff("finance"), date_from=DAY, date_to=DAY, by="office") == []  # no right to calls


def test_nightly_job_and_command_rebuild(office):
    Call.objects.create(office=office, direction="out", result="answered", state="ended", duration=40,
                        started_at=T0)
    with time_machine.travel(T0 + datetime.timedelta(days=1), tick=False):
        assert rebuild_yesterdays_summary() == 1
    assert _rows() and list(_rows().values()) == [(1, 40, 0)]
    CallDaySummary.objects.all().delete()
    call_command("telephony_summary_rebuild", "--from", "2026-12-01", "--to", "2026-12-03")
    assert list(_rows().values()) == [(1, 40, 0)]


def test_the_statistics_total_row_sums_the_talk_time(client, make_staff, office):
    """«Итого» showed every count but left the talk time blank."""
    employee = make_staff("operator").employee
    for talk in (3600, 125):
        Call.objects.create(office=office, employee=employee, direction="in", result="answered", state="ended",
                            duration=talk, started_at=T0)
    summary_rebuild(DAY)
    client.force_login(make_staff("office_head"))
    page = client.get("/admin/telephony/call/stats/", {"from": DAY.isoformat(), "to": DAY.isoformat()})
    footer = page.content.decode().split("<tfoot>")[1]
    assert ">1:02:05</th>" in footer
