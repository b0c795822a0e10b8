"""Tasks reach their people through the staff notifications: assigned, due tomorrow / hard deadline today, overdue."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from legal_crm.messaging.models import Notification
from legal_crm.todos import jobs
from legal_crm.todos.services import task_create

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2027, 3, 8, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


def day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def told(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).values_list("title", "text"))


def test_the_assignee_is_told_of_a_task_set_by_someone_else_not_of_their_own(
        make_staff, office, django_capture_on_commit_callbacks):
    head, lawyer = make_staff("office_head", offices=[office]), make_staff("lawyer", offices=[office])
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(actor=head, office=office, title="Подготовить отзыв", due_on=day(3), assignee=lawyer)
        task_create(actor=lawyer, office=office, title="Своё", due_on=day(3), assignee=lawyer)
    assert told(lawyer, "todos.task_assigned") == [("Вам поставлена задача", "«Подготовить отзыв», срок 11.03.2027")]
    note = Notification.objects.get(user=lawyer)
    assert note.link.endswith(f"/todos/task/{task.pk}/change/")


def test_reminders_and_the_overdue_batch_reach_the_assignee_once(make_staff, office,
                                                                 django_capture_on_commit_callbacks):
    head, lawyer = make_staff("office_head", offices=[office]), make_staff("lawyer", offices=[office])
    with django_capture_on_commit_callbacks(execute=True):
        task_create(actor=head, office=office, title="Завтрашняя", due_on=day(1), assignee=lawyer)
        late = [task_create(actor=head, office=office, title=f"Старая {n}", due_on=day(1), assignee=lawyer)
                for n in range(2)]
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_reminders()
        jobs.send_reminders()  # twice a day: nothing more
    assert len(told(lawyer, "todos.task_due_soon")) == 3
    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.notify_overdue()
            jobs.notify_overdue()
    assert told(lawyer, "todos.task_overdue")[0][0] == "Просрочено 3 задачи"
    assert len(told(lawyer, "todos.task_overdue")) == 1 and len(late) == 2
