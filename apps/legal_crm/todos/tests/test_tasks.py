import datetime

import pytest
import time_machine
from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.todos import selectors
from legal_crm.todos.models import Task, TaskPostponement
from legal_crm.todos.services import (
    checklist_item_add,
    checklist_item_toggle,
    task_cancel,
    task_comment_add,
    task_confirm,
    task_create,
    task_done,
    task_postpone,
    task_reassign,
    task_update,
    tasks_reassign,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def staff(make_staff, office):
    return {role: make_staff(role, offices=[office]) for role in ("sales", "lawyer", "office_head", "operator")}


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def new_task(actor, office, **kw):
    kw.setdefault("title", "Позвонить клиенту")
    kw.setdefault("due_on", day(2))
    return task_create(actor=actor, office=office, **kw)


def test_full_cycle_set_done_confirmed_by_the_setter(staff, office):
    sales, lawyer = staff["sales"], staff["lawyer"]
    task = new_task(sales, office, assignee=lawyer, deadline_on=day(5), checklist=["Паспорт", "", "СНИЛС"],
                    record_type="contracts.contract", record_id=7, complexity=3)
    assert task.status == "new" and task.created_by == sales and task.record_id == "7"
    assert [i.text for i in task.checklist.all()] == ["Паспорт", "СНИЛС"]
    item = task.checklist.first()
    assert checklist_item_toggle(actor=lawyer, item=item, done=True).is_done
    task_comment_add(actor=lawyer, task=task, text="Клиент принесёт в среду.")
    task = task_done(actor=lawyer, task=task, note="Всё собрано.")
    assert task.status == "done" and task.done_by == lawyer and task.comments.count() == 2
    task = task_confirm(actor=sales, task=task)
    assert task.status == "confirmed" and task.confirmed_by == sales
    actions = set(AuditLog.objects.filter(object_id=str(task.pk), content_type__model="task")
                  .values_list("action", flat=True))
    assert {"task.create", "task.done", "task.confirm", "task.comment", "task.checklist"} <= actions


def test_due_after_the_hard_deadline_is_a_field_error(staff, office):
    with pytest.raises(DomainError) as exc:
        new_task(staff["sales"], office, due_on=day(6), deadline_on=day(5))
    assert exc.value.code == "deadline_before_due" and "due_on" in exc.value.fields


def test_postponement_is_counted_logged_and_stops_at_the_hard_deadline(staff, office):
    lawyer = staff["lawyer"]
    task = new_task(staff["sales"], office, assignee=lawyer, deadline_on=day(5))
    task = task_postpone(actor=lawyer, task=task, to_on=day(4), reason="Клиент в отъезде")
    assert task.due_on == day(4) and task.postponements == 1
    assert TaskPostponement.objects.get(task=task).from_on == day(2)
    with pytest.raises(DomainError) as exc:
        task_postpone(actor=lawyer, task=task, to_on=day(6), reason="Ещё раз")
    assert exc.value.code == "postpone_past_deadline" and "to_on" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        task_postpone(actor=lawyer, task=task, to_on=day(5), reason="")
    assert exc.value.code == "reason_required"
    with time_machine.travel(MONDAY + datetime.timedelta(days=6), tick=False):
        with pytest.raises(DomainError) as exc:
            task_postpone(actor=lawyer, task=task, to_on=day(8), reason="Поздно")
    assert exc.value.code == "deadline_passed"
    assert Task.objects.get(pk=task.pk).postponements == 1


def test_confirming_ones_own_task_needs_the_right(staff, office):
    lawyer, head = staff["lawyer"], staff["office_head"]
    task = new_task(lawyer, office, assignee=lawyer)
    task = task_done(actor=lawyer, task=task)
    with pytest.raises(DomainError) as exc:
        task_confirm(actor=lawyer, task=task)
    assert exc.value.code == "confirm_own" and "status" in exc.value.fields
    assert task_confirm(actor=head, task=task).status == "confirmed"  # the assignee's head


def test_a_stranger_neither_confirms_nor_cancels(staff, office):
    sales, lawyer, operator = staff["sales"], staff["lawyer"], staff["operator"]
    task = task_done(actor=lawyer, task=new_task(sales, office, assignee=lawyer))
    with pytest.raises(DomainError) as exc:
        task_confirm(actor=operator, task=task)
    assert exc.value.code in ("access_denied", "not_found")
    other = new_task(sales, office, assignee=lawyer)
    with pytest.raises(DomainError):
        task_cancel(actor=lawyer, task=other, reason="Не буду")


def test_cancel_needs_a_reason(staff, office):
    sales = staff["sales"]
    task = new_task(sales, office)
    with pytest.raises(DomainError) as exc:
        task_cancel(actor=sales, task=task, reason="  ")
    assert exc.value.code == "reason_required" and "reason" in exc.value.fields
    task = task_cancel(actor=sales, task=task, reason="Клиент отказался")
    assert task.status == "cancelled"
    with pytest.raises(DomainError) as exc:
        task_done(actor=sales, task=task)
    assert exc.value.code == "task_closed"


def test_queue_task_is_taken_by_whoever_of_the_office_does_it(staff, office):
    operator = staff["operator"]
    task = new_task(staff["sales"], office)  # no assignee: the office queue
    assert task in selectors.task_list_visible_to(operator)
    task = task_done(actor=operator, task=task)
    assert task.assignee == operator


def test_assignee_from_another_office_is_refused(make_staff, staff, office, other_office):
    stranger = make_staff("lawyer", offices=[other_office])
    with pytest.raises(DomainError) as exc:
        new_task(staff["sales"], office, assignee=stranger)
    assert exc.value.code == "assignee_not_in_office" and "assignee" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        new_task(staff["sales"], other_office)
    assert exc.value.code == "access_denied"


def test_edit_by_the_setter_only(staff, office):
    sales, lawyer = staff["sales"], staff["lawyer"]
    task = new_task(sales, office, assignee=lawyer)
    task = task_update(actor=sales, task=task, title="Позвонить клиенту до обеда", complexity=2)
    assert task.title == "Позвонить клиенту до обеда"
    with pytest.raises(DomainError):
        task_update(actor=lawyer, task=task, title="Другое")
    with pytest.raises(DomainError) as exc:
        task_update(actor=sales, task=task, deadline_on=day(1))
    assert exc.value.code == "deadline_before_due"


def test_scope_other_office_tasks_are_not_found(make_staff, staff, office, other_office):
    head = staff["office_head"]
    other_head = make_staff("office_head", offices=[other_office])
    task = new_task(other_head, other_office)
    assert task not in selectors.task_list_visible_to(head)
    assert task in selectors.task_list_visible_to(other_head)
    with pytest.raises(DomainError) as exc:
        task_comment_add(actor=head, task=task, text="Чужая")
    assert exc.value.code == "not_found"


def test_bulk_reassign_by_the_office_head(staff, office, make_staff, other_office):
    head, lawyer, sales = staff["office_head"], staff["lawyer"], staff["sales"]
    tasks = [new_task(sales, office, assignee=lawyer) for _ in range(3)]
    assert tasks_reassign(actor=head, tasks=tasks, assignee=sales) == 3
    assert set(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("assignee", flat=True)) == {sales.pk}
    with pytest.raises(DomainError):
        tasks_reassign(actor=sales, tasks=tasks, assignee=lawyer)  # not a head
    stranger = make_staff("lawyer", offices=[other_office])
    with pytest.raises(DomainError) as exc:
        task_reassign(actor=head, task=tasks[0], assignee=stranger)
    assert exc.value.code == "assignee_not_in_office"


def test_checklist_items_are_added_by_the_assignee(staff, office):
    lawyer = staff["lawyer"]
    task = new_task(staff["sales"], office, assignee=lawyer)
    item = checklist_item_add(actor=lawyer, task=task, text="Выписка из ЕГРН")
    assert item.order == 0 and task.checklist.count() == 1
