"""Reads of tasks: what a user may see, the person's and the office's lists, a record's tasks, the week."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.todos import perms

from .models import Task, TaskRule


def task_list_visible_to(user) -> QuerySet[Task]:
    """Mine (assigned or set by me), my offices' queue, and — for whoever sees the office's tasks — all of my
    offices' tasks."""
    qs = Task.objects.select_related("assignee", "office")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_TASK):
        return qs.none()
    ids = office_ids_visible_to(user)
    if user.has_perm(perms.VIEW_OFFICE_TASKS):
        if ids is None:
            return qs
        return qs.filter(Q(office__in=ids) | Q(assignee=user) | Q(created_by=user))
    own = Q(assignee=user) | Q(created_by=user)
    queue = Q(assignee__isnull=True) if ids is None else Q(assignee__isnull=True, office__in=ids)
    return qs.filter(own | queue)


def my_open_tasks(user) -> QuerySet[Task]:
    """A person's open tasks by due date (one index: assignee, status, due_on)."""
    return Task.objects.filter(assignee=user, status=Task.Status.NEW).order_by("due_on", "id")


def office_open_tasks(user, office_id: int) -> QuerySet[Task]:
    """An office's open tasks by due date, for whoever sees that office's tasks; nothing for anybody else."""
    ids = office_ids_visible_to(user)
    if not user.has_perm(perms.VIEW_OFFICE_TASKS) or (ids is not None and office_id not in ids):
        return Task.objects.none()
    return Task.objects.filter(office_id=office_id, status=Task.Status.NEW).order_by("due_on", "id")


def tasks_of_record(user, record_type: str, record_id) -> QuerySet[Task]:
    return task_list_visible_to(user).filter(record_type=record_type, record_id=str(record_id))


def next_open_task_of_record(record_type: str, record_id) -> Task | None:
    """The record's nearest open task, whoever holds it (the card's "next deadline")."""
    return (Task.objects.filter(record_type=record_type, record_id=str(record_id), status=Task.Status.NEW)
            .select_related("assignee").order_by("due_on", "id").first())


def week_of(user, monday: datetime.date, *, everyone: bool = False) -> dict[datetime.date, list[Task]]:
    """The calendar's week: open and done tasks by day — mine, or (everyone) all the user sees."""
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    qs = task_list_visible_to(user) if everyone else task_list_visible_to(user).filter(assignee=user)
    qs = qs.filter(due_on__gte=days[0], due_on__lte=days[-1]).exclude(status=Task.Status.CANCELLED)
    week = {day: [] for day in days}
    for task in qs.order_by("due_on", "id")[:500]:
        week[task.due_on].append(task)
    return week


def open_load(user_ids) -> dict[int, int]:
    """Open tasks per person: the least loaded takes the next automatic task."""
    rows = (Task.objects.filter(assignee_id__in=list(user_ids), status=Task.Status.NEW)
            .values("assignee_id").annotate(n=Count("id")))
    return {row["assignee_id"]: row["n"] for row in rows}


def task_rule_list_visible_to(user) -> QuerySet[TaskRule]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_TASKRULE):
        return TaskRule.objects.none()
    return TaskRule.objects.select_related("position")


def tasks_overdue_on(day: datetime.date, *, day_ended_at: datetime.datetime):
    """Tasks of a person due on `day` that were not done by its end (still open, or done later): (assignee id,
    office id, record type, record id) for quality's daily violation job. One read of (status, due_on)."""
    late = Q(status=Task.Status.NEW) | Q(status__in=(Task.Status.DONE, Task.Status.CONFIRMED),
                                         done_at__gte=day_ended_at)
    rows = (Task.objects.filter(due_on=day, assignee__isnull=False).filter(late)
            .values_list("assignee_id", "office_id", "pk"))
    for user_id, office_id, task_id in rows.iterator(chunk_size=2000):
        yield user_id, office_id, "todos.task", str(task_id)
