"""Automatic tasks: the owning modules report an event about their record (or the daily job finds a record
meeting a rule's condition) with the people the record offers; the administrators' rules decide which task,
when and for whom. Idempotent: one task per rule + record + day (Task.auto_key)."""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.org.models import Employee, Office

from ..models import Task, TaskRule
from ..selectors import open_load
from ..triggers import TRIGGERS
from .tasks import GONE, task_create

logger = logging.getLogger(__name__)


def _least_loaded(user_ids: list[int]):
    if not user_ids:
        return None
    load = open_load(user_ids)
    return min(user_ids, key=lambda uid: (load.get(uid, 0), uid))


def _assignee(rule: TaskRule, office_id: int, candidates: dict):
    """The rule's person: the record's role, the least-loaded holder of the position, or nobody (the queue)."""
    from django.contrib.auth import get_user_model

    working = Employee.objects.filter(offices__id=office_id, user__is_active=True).exclude(status__in=GONE)
    if rule.assign_by == TaskRule.AssignBy.RECORD_ROLE:
        person = candidates.get(rule.role)
        people = person if isinstance(person, list | tuple) else [person] if person else []
        ids = list(working.filter(user__in=people).values_list("user_id", flat=True))
    elif rule.assign_by == TaskRule.AssignBy.POSITION:
        ids = list(working.filter(position_id=rule.position_id).values_list("user_id", flat=True))
    else:
        return None
    chosen = _least_loaded(sorted(set(ids)))
    return get_user_model().objects.get(pk=chosen) if chosen else None


def _matches(rule: TaskRule, context: dict) -> bool:
    wanted = (rule.params or {}).get("stage")
    return not wanted or wanted.strip().lower() == str(context.get("stage", "")).strip().lower()


def tasks_for_record(*, rule: TaskRule, record_type: str, record_id, office_id: int, candidates: dict,
                     on: datetime.date, label: str = "") -> Task | None:
    """The rule's task about one record, dated from `on` (the event's day); None when it exists already."""
    key = f"r{rule.pk}:{record_type}:{record_id}:{on.isoformat()}"
    if Task.objects.filter(auto_key=key).exists():
        return None
    today = timezone.localdate()
    due = max(on + datetime.timedelta(days=rule.days), today)
    deadline = due + datetime.timedelta(days=rule.deadline_days) if rule.deadline_days is not None else None
    office = Office.objects.get(pk=office_id)
    try:
        with transaction.atomic():
            return task_create(actor=None, title=rule.title, description=rule.description, purpose=label,
                               kind=rule.kind, complexity=rule.complexity, due_on=due, deadline_on=deadline,
                               office=office, assignee=_assignee(rule, office_id, candidates),
                               record_type=record_type, record_id=record_id, rule=rule, auto_key=key)
    except IntegrityError:
        return None  # a concurrent run made it first
    except DomainError as exc:
        # A rule a record cannot satisfy (a date out of range) must not stop the other rules of the event.
        logger.warning("todos: rule %s skipped for %s %s: %s", rule.pk, record_type, record_id, exc)
        return None


def tasks_for_event(*, trigger: str, record_type: str, record_id, office_id: int, candidates: dict | None = None,
                    on: datetime.date | None = None, label: str = "", context: dict | None = None) -> list[Task]:
    """Every active rule of the event sets its task about the record (called by the owner's handlers)."""
    if trigger not in TRIGGERS:
        raise KeyError(f"todos: unknown trigger {trigger!r}")
    on = on or timezone.localdate()
    created = []
    for rule in TaskRule.objects.filter(trigger=trigger, is_active=True).order_by("pk"):
        if _matches(rule, context or {}):
            task = tasks_for_record(rule=rule, record_type=record_type, record_id=record_id, office_id=office_id,
                                    candidates=candidates or {}, on=on, label=label)
            if task is not None:
                created.append(task)
    return created


@transaction.atomic
def queued_tasks_assign(*, record_type: str, record_id, role: str, people) -> int:
    """The record now has its `role` person: the open queue tasks its rules meant for that role go to them
    (the least loaded of several)."""
    tasks = list(Task.objects.select_for_update().filter(
        record_type=record_type, record_id=str(record_id), status=Task.Status.NEW, assignee__isnull=True,
        rule__assign_by=TaskRule.AssignBy.RECORD_ROLE, rule__role=role))
    moved = 0
    for task in tasks:
        person = _assignee(task.rule, task.office_id, {role: people})
        if person is None:
            continue
        task.assignee = person
        task.save(update_fields=["assignee", "updated_at"])
        audit(actor=None, action="task.reassign", obj=task, before={"assignee": None}, after={"assignee": person.pk})
        emit("todos.task_assigned", task_id=task.pk, assignee_id=person.pk, office_id=task.office_id,
             due_on=task.due_on.isoformat())
        moved += 1
    return moved
