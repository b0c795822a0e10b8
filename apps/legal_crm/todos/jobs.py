"""Daily jobs of todos: condition rules (hooks.TASK_CONDITIONS), reminders before the due date and at the hard
deadline, and the overdue notice. Each is safe to run twice: the tasks carry the day they were reminded of."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.module_loading import import_string

from legal_crm.core.events import emit
from legal_crm.org.selectors import office_ids_by_local_date

from .models import Task, TaskRule
from .services.auto import tasks_for_record
from .triggers import TRIGGERS

CHUNK = 500


def run_condition_rules() -> int:
    """Each active condition rule asks the owning module which records meet it today and sets their tasks."""
    from legal_crm import hooks

    today = timezone.localdate()
    created = 0
    for rule in TaskRule.objects.filter(is_active=True).order_by("pk"):
        trigger = TRIGGERS.get(rule.trigger)
        if trigger is None or not trigger.condition:
            continue
        for path in hooks.TASK_CONDITIONS.get(rule.trigger, []):
            for row in import_string(path)(params=rule.params or {}, today=today):
                if tasks_for_record(rule=rule, on=today, **row) is not None:
                    created += 1
    return created


def _ids_in_chunks(qs):
    ids = list(qs.values_list("id", flat=True).order_by("id"))
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Tomorrow's tasks and today's hard deadlines — «today» in each office's own time zone: one event per task,
    once per date."""
    sent = 0
    for today, office_ids in office_ids_by_local_date(now).items():
        sent += _remind(today, Task.objects.filter(status=Task.Status.NEW, office_id__in=office_ids))
    return sent


def _remind(today: datetime.date, open_tasks) -> int:
    tomorrow = today + datetime.timedelta(days=1)
    sent = 0
    due = open_tasks.filter(due_on=tomorrow).exclude(reminded_due_on=tomorrow)
    for chunk in _ids_in_chunks(due):
        Task.objects.filter(id__in=chunk).update(reminded_due_on=tomorrow)
        for task_id, assignee_id, office_id in Task.objects.filter(id__in=chunk).values_list(
                "id", "assignee_id", "office_id"):
            emit("todos.task_due_soon", task_id=task_id, assignee_id=assignee_id, office_id=office_id,
                 due_on=tomorrow.isoformat(), at_deadline=False)
        sent += len(chunk)
    deadline = open_tasks.filter(deadline_on=today).exclude(reminded_deadline_on=today)
    for chunk in _ids_in_chunks(deadline):
        Task.objects.filter(id__in=chunk).update(reminded_deadline_on=today)
        for task_id, assignee_id, office_id in Task.objects.filter(id__in=chunk).values_list(
                "id", "assignee_id", "office_id"):
            emit("todos.task_due_soon", task_id=task_id, assignee_id=assignee_id, office_id=office_id,
                 due_on=today.isoformat(), at_deadline=True)
        sent += len(chunk)
    return sent


def notify_overdue(*, now: datetime.datetime | None = None) -> int:
    """Open tasks past their due date in their office's own time zone, reported once a day in batches (the
    notifications group them)."""
    count = 0
    for today, office_ids in office_ids_by_local_date(now).items():
        overdue = Task.objects.filter(status=Task.Status.NEW, due_on__lt=today, office_id__in=office_ids) \
            .exclude(overdue_notified_on=today)
        for chunk in _ids_in_chunks(overdue):
            Task.objects.filter(id__in=chunk).update(overdue_notified_on=today)
            emit("todos.task_overdue", task_ids=chunk, day=today.isoformat())
            count += len(chunk)
    return count
