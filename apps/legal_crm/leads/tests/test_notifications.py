"""Leads' staff notifications: a lead assigned to me (through the event relay), a planned call that came due
(the per-minute job, once), a script message about my lead that failed."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from legal_crm.leads.handlers_notifications import on_message_status_changed
from legal_crm.leads.jobs_notifications import notify_calls_due
from legal_crm.leads.models import ScriptMessage
from legal_crm.leads.services.distribution import lead_reassign
from legal_crm.messaging.models import Notification

from .factories import LeadFactory, PlannedCallFactory

pytestmark = pytest.mark.django_db


def test_the_operator_a_lead_is_passed_to_is_told(make_staff, office, django_capture_on_commit_callbacks):
    head = make_staff("office_head", offices=[office])
    operator = make_staff("operator", offices=[office])
    lead = LeadFactory(office=office, name="Пётр Звонков")
    with django_capture_on_commit_callbacks(execute=True):
        lead_reassign(actor=head, lead=lead, assigned_to=operator)
    [note] = Notification.objects.filter(user=operator)
    assert note.kind == "leads.lead_assigned" and "Пётр Звонков" in note.text
    assert note.link == f"/admin/leads/lead/{lead.pk}/card/"
    assert not Notification.objects.filter(user=head).exists()


def test_a_call_due_now_tells_its_operator_once(make_staff, office):
    operator = make_staff("operator", offices=[office])
    now = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    lead = LeadFactory(office=office, assigned_to=operator)
    with time_machine.travel(now - datetime.timedelta(hours=1), tick=False):
        due = PlannedCallFactory(lead=lead, assignee=operator, due_at=now - datetime.timedelta(minutes=1))
        PlannedCallFactory(lead=lead, assignee=operator, due_at=now + datetime.timedelta(minutes=10))  # not yet
        PlannedCallFactory(lead=lead, assignee=operator, due_at=now - datetime.timedelta(hours=3))  # long overdue
        PlannedCallFactory(lead=lead, assignee=operator, due_at=now - datetime.timedelta(minutes=2),
                           done_at=now - datetime.timedelta(minutes=5))  # done
    assert notify_calls_due(now=now) == 1
    assert notify_calls_due(now=now + datetime.timedelta(minutes=1)) == 0  # the next minute's run: told already
    [note] = Notification.objects.filter(user=operator)
    assert (note.kind, note.subject_id) == ("leads.call_due", str(due.pk))


def test_a_failed_script_message_tells_the_leads_operator(make_staff, office):
    from .factories_scripts import enroll, make_script

    operator = make_staff("operator", offices=[office])
    lead = LeadFactory(office=office, assigned_to=operator)
    _script, steps = make_script("sms", "call")
    card = enroll(lead, steps[1])
    row = ScriptMessage.objects.create(enrollment=card, step=steps[0], step_entered_at=timezone.now(), lead=lead,
                                       channel="sms", phone=lead.phone, text="Напоминание")
    for _attempt in range(2):  # the event retried: told once
        on_message_status_changed(message_id=55, status="failed", subject_type="leads.scriptmessage",
                                  subject_id=str(row.pk), error_text="Неверный номер")
    on_message_status_changed(message_id=56, status="sent", subject_type="leads.scriptmessage",
                              subject_id=str(row.pk))
    [note] = Notification.objects.filter(user=operator)
    assert note.kind == "leads.message_failed" and "Неверный номер" in note.text
