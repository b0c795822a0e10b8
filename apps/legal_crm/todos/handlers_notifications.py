"""Tasks tell their people through messaging's staff notifications (the bell, Telegram, e-mail).

Kinds are in hooks.NOTIFICATION_KINDS; the events come from todos' services (assigned) and jobs (due soon, overdue),
each emitted once per task and date, so a retried delivery is the only repeat — `once` on the assignment guards it.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from legal_crm.messaging.notifications.service import Note, notify, notify_many

from .models import Task


def _link(task_id: int) -> str:
    return reverse("admin:todos_task_change", args=[task_id])


def on_task_assigned(*, task_id: int, assignee_id: int, **_payload) -> None:
    task = Task.objects.filter(pk=task_id).only("title", "due_on", "created_by_id", "assignee_id").first()
    if task is None or task.assignee_id != assignee_id or task.created_by_id == assignee_id:
        return  # moved on since, or set by the assignee for themselves
    notify(users=[assignee_id], kind="todos.task_assigned", title=_("Вам поставлена задача"),
           text=_("«%(t)s», срок %(d)s") % {"t": task.title, "d": date_format(task.due_on, "d.m.Y")},
           link=_link(task_id), subject=("todos.task", task_id), once=True)


def on_task_due_soon(*, task_id: int, assignee_id: int | None, at_deadline: bool = False, **_payload) -> None:
    task = Task.objects.filter(pk=task_id, status=Task.Status.NEW).only("title", "due_on", "deadline_on").first()
    if task is None or assignee_id is None:
        return  # done since, or in an office queue (the queue's people see it on «Мой день»)
    if at_deadline:
        title, text = _("Сегодня крайний срок задачи"), _("«%(t)s»: крайний срок сегодня.") % {"t": task.title}
    else:
        title = _("Завтра срок задачи")
        text = _("«%(t)s», срок %(d)s") % {"t": task.title, "d": date_format(task.due_on, "d.m.Y")}
    notify(users=[assignee_id], kind="todos.task_due_soon", title=title, text=text, link=_link(task_id),
           subject=("todos.task", task_id))


def on_task_overdue(*, task_ids: list[int], **_payload) -> None:
    """One notification per assignee for the day's batch, not one per task."""
    by_person = defaultdict(list)
    for pk, assignee_id, title in Task.objects.filter(pk__in=task_ids, status=Task.Status.NEW,
                                                      assignee__isnull=False).values_list("pk", "assignee_id",
                                                                                          "title"):
        by_person[assignee_id].append((pk, title))
    notes = []
    for assignee_id, tasks in by_person.items():
        count = len(tasks)
        text = "; ".join(f"«{title}»" for _pk, title in tasks[:5]) + ("…" if count > 5 else "")
        link = _link(tasks[0][0]) if count == 1 else reverse("admin:todos_task_changelist") + "?due=overdue"
        notes.append(Note(assignee_id, ngettext("Просрочена %(n)s задача", "Просрочено %(n)s задач", count) % {
            "n": count}, text, link))
    notify_many(kind="todos.task_overdue", notes=notes)  # the day's batch: one bulk write for everybody
