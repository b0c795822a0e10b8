"""The daily violation job (quality/violations/jobs.py): each kind of rule over the day before, one violation per
person, rule and day, idempotent; pauses, suspensions and rules created later leave days out."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from legal_crm.contracts.models import ActionType, Contract, ContractAction
from legal_crm.core.models import AuditLog
from legal_crm.leads.models import AssignmentLog, LeadStatusLog
from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory, status
from legal_crm.quality.models import Violation, ViolationPause
from legal_crm.quality.violations.jobs import detect_violations
from legal_crm.todos.models import Task
from legal_crm.todos.tests.factories import TaskFactory

from .factories import ComplaintFactory, violation_rule

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 10, 6, 0, tzinfo=datetime.UTC)  # 09:00 in Moscow, the job's morning run
TODAY = datetime.date(2027, 3, 10)
YESTERDAY = datetime.date(2027, 3, 9)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def operator(make_staff, office):
    return make_staff("operator", offices=[office])


def overdue_call(operator, office, due_at, done_at=None):
    return PlannedCallFactory(lead=LeadFactory(office=office, assigned_to=operator), assignee=operator,
                              due_at=due_at, done_at=done_at)


def test_an_overdue_planned_call_becomes_a_violation_the_next_day_once(operator, office):
    rule = violation_rule("call_overdue", params={"hours": 2}, amount=Decimal("500.00"), points=3)
    call = overdue_call(operator, office, at(YESTERDAY, 10))
    overdue_call(operator, office, at(YESTERDAY, 15))  # the same person, rule and day: counted in the same one
    overdue_call(operator, office, at(YESTERDAY, 9), done_at=at(YESTERDAY, 10, 30))  # made within 2 hours
    assert detect_violations() == 1
    [violation] = Violation.objects.all()
    assert (violation.offender, violation.office, violation.rule, violation.day) == (operator, office, rule, YESTERDAY)
    assert violation.source == "auto" and violation.status == "recorded" and violation.occurrences == 2
    assert (violation.record_type, violation.record_id) == ("leads.plannedcall", str(call.pk))
    assert (violation.amount, violation.points) == (Decimal("500.00"), 3)
    assert AuditLog.objects.filter(action="violation.detect", object_id=str(violation.pk)).count() == 1
    assert detect_violations() == 0 and Violation.objects.count() == 1  # the job is safe to run twice


def test_a_call_made_late_counts_and_one_not_yet_late_waits(operator, office):
    violation_rule("call_overdue", params={"hours": 2})
    overdue_call(operator, office, at(YESTERDAY, 11), done_at=at(YESTERDAY, 16))
    assert detect_violations() == 1
    late_tonight = overdue_call(operator, office, at(TODAY, 8))  # becomes late today: tomorrow's job sees it
    assert detect_violations() == 0
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert detect_violations() == 1
    assert Violation.objects.get(day=TODAY).record_id == str(late_tonight.pk)


def test_a_pause_a_suspended_rule_and_a_new_rule_skip_their_days(operator, office, admin_user):
    rule = violation_rule("call_overdue", params={"hours": 1})
    overdue_call(operator, office, at(YESTERDAY, 10))
    ViolationPause.objects.create(starts_on=YESTERDAY, ends_on=YESTERDAY, reason="8 Марта перенесено")
    assert detect_violations() == 0
    ViolationPause.objects.all().delete()
    rule.suspended_from = YESTERDAY - datetime.timedelta(days=5)
    rule.save()
    assert detect_violations() == 0
    rule.suspended_until = YESTERDAY - datetime.timedelta(days=1)
    rule.save()
    rule.created_at = at(TODAY, 8)
    rule.save()
    assert detect_violations() == 0  # a rule set up today does not punish yesterday
    rule.created_at = at(YESTERDAY, 0)
    rule.save()
    rule.is_active = False
    rule.save()
    assert detect_violations() == 0
    rule.is_active = True
    rule.save()
    assert detect_violations() == 1


def test_a_violation_cancelled_on_appeal_is_not_recorded_again(operator, office, make_staff):
    from legal_crm.quality.violations.services import violation_appeal, violation_decide

    violation_rule("call_overdue", params={"hours": 2})
    overdue_call(operator, office, at(YESTERDAY, 10))
    detect_violations()
    violation = Violation.objects.get()
    violation_appeal(actor=operator, violation=violation, text="Клиент сам попросил перезвонить вечером.")
    violation_decide(actor=make_staff("office_head"), violation=violation, upheld=False,
                     reason="Перенос согласован с клиентом, есть запись.")
    assert detect_violations() == 0
    assert Violation.objects.get().status == "cancelled"


def test_tasks_not_done_by_their_day(make_staff, office):
    lawyer = make_staff("lawyer")
    violation_rule("task_overdue")
    open_task = TaskFactory(office=office, assignee=lawyer, due_on=YESTERDAY)
    TaskFactory(office=office, assignee=lawyer, due_on=YESTERDAY, status=Task.Status.DONE,
                done_at=at(YESTERDAY, 17))
    late = make_staff("lawyer")
    TaskFactory(office=office, assignee=late, due_on=YESTERDAY, status=Task.Status.DONE, done_at=at(TODAY, 8))
    TaskFactory(office=office, assignee=None, due_on=YESTERDAY)  # the office's queue: nobody's violation
    TaskFactory(office=office, assignee=lawyer, due_on=YESTERDAY, status=Task.Status.CANCELLED)
    assert detect_violations() == 2
    mine = Violation.objects.get(offender=lawyer)
    assert (mine.record_type, mine.record_id, mine.occurrences) == ("todos.task", str(open_task.pk), 1)
    assert Violation.objects.filter(offender=late, day=YESTERDAY).exists()


def test_a_lead_not_taken_in_time(operator, office):
    violation_rule("lead_not_taken", params={"minutes": 30})
    slow, quick, passed = (LeadFactory(office=office, assigned_to=operator) for _ in range(3))
    other = LeadFactory(office=office)
    for lead in (slow, quick, passed):
        log = AssignmentLog.objects.create(lead=lead, office=office, assigned_to=operator)
        AssignmentLog.objects.filter(pk=log.pk).update(at=at(YESTERDAY, 10))
    taken = LeadStatusLog.objects.create(lead=quick, from_status=status("new"), to_status=status("new"))
    LeadStatusLog.objects.filter(pk=taken.pk).update(at=at(YESTERDAY, 10, 10))
    moved = AssignmentLog.objects.create(lead=passed, office=office, assigned_to=None)
    AssignmentLog.objects.filter(pk=moved.pk).update(at=at(YESTERDAY, 10, 5))  # given to the queue in time
    assert other.pk and detect_violations() == 1
    violation = Violation.objects.get()
    assert (violation.offender, violation.record_id) == (operator, str(slow.pk))


def test_a_complaint_kept_open_past_its_days(make_staff, office):
    from legal_crm.billing.tests.factories import ContractFactory

    lawyer = make_staff("lawyer")
    violation_rule("complaint_open", params={"days": 3})
    complaint = ComplaintFactory(contract=ContractFactory(office=office), responsible=lawyer, status="in_work",
                                 assigned_at=at(YESTERDAY - datetime.timedelta(days=3), 12))
    ComplaintFactory(contract=ContractFactory(office=office), responsible=lawyer, status="closed",
                     assigned_at=at(YESTERDAY - datetime.timedelta(days=3), 12),
                     closed_at=at(YESTERDAY - datetime.timedelta(days=1), 12))
    assert detect_violations() == 1
    assert Violation.objects.get().record_id == str(complaint.pk)


def test_a_contract_without_actions_for_its_days(make_staff, office):
    from legal_crm.billing.tests.factories import ContractFactory

    first, second = make_staff("lawyer"), make_staff("lawyer")
    violation_rule("contract_idle", params={"days": 5})
    kind = ActionType.objects.create(code="call", name="Звонок клиенту")
    idle = ContractFactory(office=office, status=Contract.Status.IN_WORK, work_started_on=YESTERDAY.replace(day=1))
    idle.lawyers.set([first, second])
    ContractAction.objects.create(contract=idle, action_type=kind, happened_on=YESTERDAY - datetime.timedelta(days=5))
    busy = ContractFactory(office=office, status=Contract.Status.IN_WORK, work_started_on=YESTERDAY.replace(day=1))
    busy.lawyers.set([first])
    ContractAction.objects.create(contract=busy, action_type=kind, happened_on=YESTERDAY - datetime.timedelta(days=5))
    ContractAction.objects.create(contract=busy, action_type=kind, happened_on=YESTERDAY - datetime.timedelta(days=1))
    started = ContractFactory(office=office, status=Contract.Status.IN_WORK,
                              work_started_on=YESTERDAY - datetime.timedelta(days=5))
    started.lawyers.set([second])
    assert detect_violations() == 2
    assert Violation.objects.get(offender=first).record_id == str(idle.pk)
    assert Violation.objects.get(offender=second).occurrences == 2  # idle and started: both his
