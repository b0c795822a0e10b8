"""The tasks block of the desk's home page («Мой день»): my tasks due today and overdue, and the office queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.todos import perms

from . import selectors
from .links import record_links
from .models import Task

LIMIT = 10


def my_tasks_block(request) -> dict | None:
    user = request.user
    if not user.has_perm(perms.VIEW_TASK):
        return None
    today = timezone.localdate()
    tasks = list(selectors.my_open_tasks(user).filter(due_on__lte=today)[:LIMIT])
    links = record_links(tasks, user)
    rows = []
    for task in tasks:
        link = links.get((task.record_type, task.record_id))
        note = (_("просрочена, срок был %(date)s") % {"date": f"{task.due_on:%d.%m.%Y}"} if task.due_on < today
                else _("сегодня"))
        if link:
            note = f"{link[0]} · {note}"
        rows.append({"text": task.title, "url": reverse("admin:todos_task_change", args=[task.pk]), "note": note})
    ids = office_ids_visible_to(user)
    queue = Task.objects.filter(assignee__isnull=True, status=Task.Status.NEW, due_on__lte=today)
    if ids is not None:
        queue = queue.filter(office__in=ids)
    waiting = queue.count()
    if waiting:
        rows.append({"text": _("В очереди офиса: %(n)s") % {"n": waiting},
                     "url": reverse("admin:todos_task_changelist") + "?whose=queue",
                     "note": _("задачи без исполнителя — возьмите свою")})
    return {"key": "todos-my-tasks", "title": _("Мои задачи на сегодня"), "rows": rows,
            "empty": _("На сегодня задач нет.")}
