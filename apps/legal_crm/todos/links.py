"""A task's record as its owner names and links it (hooks.TASK_RECORD_LINKS), looked up once per record type.

A task may point at a record its reader cannot open (HR sees the office's tasks, not its contracts): the record is
then named without a link — its card would answer «not found»."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.module_loading import import_string


def scoped_links(titles: dict[int, str], visible: QuerySet, url: Callable[[int], str]
                 ) -> dict[str, tuple[str, str | None]]:
    """id → (title, url) for the owner's link function: the url only for the records `visible` (the reader's
    scope, the owner's selector) holds."""
    open_ids = set(visible.filter(pk__in=list(titles)).values_list("pk", flat=True)) if titles else set()
    return {str(pk): (title, url(pk) if pk in open_ids else None) for pk, title in titles.items()}


def record_links(tasks, user) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(record_type, record_id) → (title, url or None) for the tasks' records whose owner is installed, as `user`
    may follow them."""
    from legal_crm import hooks

    wanted = defaultdict(set)
    for task in tasks:
        if task.record_type and task.record_id:
            wanted[task.record_type].add(task.record_id)
    found = {}
    for record_type, ids in wanted.items():
        path = hooks.TASK_RECORD_LINKS.get(record_type)
        if path is None:
            continue
        for record_id, link in import_string(path)(ids, user).items():
            found[(record_type, str(record_id))] = link
    return found


def record_link(task, user) -> tuple[str, str | None] | None:
    return record_links([task], user).get((task.record_type, task.record_id))


def task_links(ids, user) -> dict:
    """A task as a record of another module (quality's violations): its title and card."""
    from django.urls import reverse

    from .models import Task
    from .selectors import task_list_visible_to

    titles = dict(Task.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "title"))
    return scoped_links(titles, task_list_visible_to(user), lambda pk: reverse("admin:todos_task_change", args=[pk]))
