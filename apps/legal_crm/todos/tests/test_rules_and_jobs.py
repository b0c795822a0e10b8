import datetime

import pytest
import time_machine
from django.utils import timezone

from legal_crm.billing.tests.factories import InvoiceFactory
from legal_crm.core.errors import DomainError
from legal_crm.org.tests.factories import PositionFactory
from legal_crm.todos import jobs
from legal_crm.todos.models import Task, TaskRule
from legal_crm.todos.services import task_rule_save, tasks_for_event
from legal_crm.todos.tests.factories import TaskFactory, TaskRuleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rule_fields(**kw):
    fields = {"name": "Документы", "trigger": "contract_signed", "title": "Собрать документы", "days": 3,
              "assign_by": TaskRule.AssignBy.RECORD_ROLE, "role": "lawyer", "params": {}}
    fields.update(kw)
    return fields


def test_a_rule_with_an_unknown_event_parameter_or_role_is_refused(admin_user):
    for bad, field in ((rule_fields(trigger="moon_phase"), "trigger"),
                       (rule_fields(params={"weekday": 3}), "params"),
                       (rule_fields(trigger="invoice_overdue"), "params"),  # its "days" is required
                       (rule_fields(trigger="invoice_overdue", params={"days": "пять"}), "params"),
                       (rule_fields(role="owner"), "role"),
                       (rule_fields(assign_by=TaskRule.AssignBy.POSITION, role=""), "position")):
        with pytest.raises(DomainError) as exc:
            task_rule_save(actor=admin_user, **bad)
        assert exc.value.code == "rule_invalid" and field in exc.value.fields, bad
    assert not TaskRule.objects.exists()
    rule = task_rule_save(actor=admin_user, **rule_fields(trigger="invoice_overdue", params={"days": 5}))
    assert rule.pk and rule.params == {"days": 5}


def test_only_administrators_write_rules(make_staff):
    with pytest.raises(DomainError) as exc:
        task_rule_save(actor=make_staff("office_head"), **rule_fields())
    assert exc.value.code == "access_denied"


def test_position_rule_picks_the_least_loaded_holder(make_staff, office):
    collector = PositionFactory(code="collector", name="Взыскатель")
    busy, free = make_staff("finance"), make_staff("finance")
    for user in (busy, free):
        user.employee.position = collector
        user.employee.save()
    TaskFactory(office=office, assignee=busy)
    TaskRuleFactory(trigger="contract_signed", assign_by=TaskRule.AssignBy.POSITION, position=collector, role="")
    [task] = tasks_for_event(trigger="contract_signed", record_type="contracts.contract", record_id=1,
                             office_id=office.pk)
    assert task.assignee == free


def test_invoice_overdue_condition_job_sets_the_task_once(make_staff, office):
    TaskRuleFactory(trigger="invoice_overdue", params={"days": 5}, title="Связаться с клиентом",
                    assign_by=TaskRule.AssignBy.QUEUE, role="", days=0, kind="payment")
    today = timezone.localdate()
    late = InvoiceFactory(contract__office=office, due_date=today - datetime.timedelta(days=6))
    InvoiceFactory(contract__office=office, due_date=today - datetime.timedelta(days=3))  # not yet 5 days
    assert jobs.run_condition_rules() == 1
    assert jobs.run_condition_rules() == 0  # twice a day creates nothing new
    task = Task.objects.get()
    assert (task.record_type, task.record_id, task.assignee, task.office) == (
        "billing.invoice", str(late.pk), None, office)
    assert task.due_on == today and late.number in task.purpose


def test_overdue_job_reports_each_task_once_a_day(office, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "emit", lambda event, **payload: sent.append((event, payload)))
    today = timezone.localdate()
    late = TaskFactory(office=office, due_on=today - datetime.timedelta(days=1))
    TaskFactory(office=office, due_on=today)
    TaskFactory(office=office, due_on=today - datetime.timedelta(days=2), status=Task.Status.DONE)
    assert jobs.notify_overdue() == 1
    assert jobs.notify_overdue() == 0
    assert sent == [("todos.task_overdue", {"task_ids": [late.pk], "day": today.isoformat()})]


def test_reminder_at_the_hard_deadline(office, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "emit", lambda event, **payload: sent.append((event, payload)))
    today = timezone.localdate()
    task = TaskFactory(office=office, due_on=today - datetime.timedelta(days=3), deadline_on=today)
    assert jobs.send_reminders() == 1 and jobs.send_reminders() == 0
    assert sent[0][0] == "todos.task_due_soon" and sent[0][1]["task_id"] == task.pk and sent[0][1]["at_deadline"]
