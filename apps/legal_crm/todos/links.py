"""A task's record as its owner names and links it (hooks.TASK_RECORD_LINKS), looked up once per record type."""

from __future__ import annotations

from collections import defaultdict

from django.utils.module_loading import import_string


def record_links(tasks) -> dict[tuple[str, str], tuple[str, str]]:
    """(record_type, record_id) → (title, url) for the tasks' records whose owner is installed."""
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
        for record_id, link in import_string(path)(ids).items():
            found[(record_type, str(record_id))] = link
    return found


def record_link(task) -> tuple[str, str] | None:
    return record_links([task]).get((task.record_type, task.record_id))


def task_links(ids) -> dict:
    """A task as a record of another module (quality's violations): its title and card."""
    from django.urls import reverse

    from .models import Task

    return {str(pk): (title, reverse("admin:todos_task_change", args=[pk]))
            for pk, title in Task.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "title")}
