"""A task's life: set, edit, postpone (before the hard deadline, counted and logged), done, confirmed or
cancelled with a reason; comments and checklist items."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.dates import PLANNED, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import denied, ensure
from legal_crm.core.text import clean_text
from legal_crm.core.validation import validated
from legal_crm.org.models import Employee
from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.todos import perms

from ..models import Task, TaskChecklistItem, TaskComment, TaskKind, TaskPostponement

GONE = (Employee.Status.BLOCKED, Employee.Status.DISMISSED)
EDITABLE = {"title", "description", "purpose", "complexity", "kind", "deadline_on"}


def _field_error(code: str, field: str, message: str) -> DomainError:
    return DomainError(code, message, fields={field: message})


def _in_scope(actor, office_id: int) -> bool:
    if actor is None:
        return True
    ids = office_ids_visible_to(actor)
    return ids is None or office_id in ids


def _works_in(user, office_id: int) -> bool:
    return Employee.objects.filter(user=user, offices__id=office_id, user__is_active=True).exclude(
        status__in=GONE).exists()


def is_head_of(actor, task: Task) -> bool:
    """Whoever confirms the office's tasks and works in (or oversees) the task's office: the assignee's head."""
    return actor is not None and actor.has_perm(perms.CONFIRM_TASK) and _in_scope(actor, task.office_id)


def _lock_visible(actor, task: Task) -> Task:
    from ..selectors import task_list_visible_to

    if actor is not None and not task_list_visible_to(actor).filter(pk=task.pk).exists():
        raise DomainError("not_found", _("Задача не найдена или вам недоступна."))
    return Task.objects.select_for_update().select_related("office").get(pk=task.pk)


def _ensure_open(task: Task) -> None:
    if not task.is_open:
        raise DomainError("task_closed", _("Задача уже %(status)s.") % {"status": task.get_status_display().lower()})


def _check_assignee(assignee, office_id: int) -> None:
    if assignee is not None and not _works_in(assignee, office_id):
        raise _field_error("assignee_not_in_office", "assignee",
                           _("%(user)s не работает в офисе задачи или заблокирован.") % {"user": assignee})


def _check_dates(due_on, deadline_on, today) -> None:
    if due_on is None:
        raise _field_error("invalid", "due_on", _("Укажите срок."))
    date_or_domain_error(due_on, PLANNED, "due_on", today)
    if deadline_on is not None:
        date_or_domain_error(deadline_on, PLANNED, "deadline_on", today)
        if due_on > deadline_on:
            raise _field_error("deadline_before_due", "due_on",
                               _("Срок не может быть позже крайнего срока (%(date)s).")
                               % {"date": f"{deadline_on:%d.%m.%Y}"})


def _snapshot(task: Task) -> dict:
    return {"title": task.title, "due_on": task.due_on.isoformat(),
            "deadline_on": task.deadline_on.isoformat() if task.deadline_on else None,
            "assignee": task.assignee_id, "status": task.status}


def _assigned(task: Task) -> None:
    if task.assignee_id:
        emit("todos.task_assigned", task_id=task.pk, assignee_id=task.assignee_id, office_id=task.office_id,
             due_on=task.due_on.isoformat())


@transaction.atomic
def task_create(*, actor, title: str, due_on: datetime.date, office=None, assignee=None, kind: str = TaskKind.OTHER,
                description: str = "", purpose: str = "", complexity: int = 1,
                deadline_on: datetime.date | None = None, record_type: str = "", record_id="",
                checklist: list[str] | None = None, rule=None, auto_key: str | None = None) -> Task:
    """Set a task for an employee of the office, or into the office's queue (no assignee)."""
    ensure(actor, perms.ADD_TASK, system_ok=True)
    if office is None and actor is not None:
        office = getattr(getattr(actor, "employee", None), "main_office", None)
    if office is None:
        raise _field_error("invalid", "office", _("Выберите офис."))
    if not _in_scope(actor, office.pk):
        raise denied(message=_("Офис «%(office)s» вам недоступен.") % {"office": office})
    title = clean_text(title or "").strip()
    if not title:
        raise _field_error("title_required", "title", _("Опишите задачу."))
    today = timezone.localdate()
    _check_dates(due_on, deadline_on, today)
    _check_assignee(assignee, office.pk)
    task = validated(Task(
        title=title[:200], description=clean_text(description or "", multiline=True).strip(),
        purpose=clean_text(purpose or "").strip()[:300], complexity=complexity, kind=kind, due_on=due_on,
        deadline_on=deadline_on, office=office, assignee=assignee, created_by=actor,
        record_type=record_type or "", record_id=str(record_id or ""), rule=rule, auto_key=auto_key,
    ), exclude=["auto_key"])
    task.save()
    for order, text in enumerate(t for t in (clean_text(x or "").strip() for x in checklist or []) if t):
        TaskChecklistItem.objects.create(task=task, text=text[:300], order=order)
    audit(actor=actor, action="task.create", obj=task, after=_snapshot(task) | {"rule": rule.pk if rule else None})
    emit("todos.task_created", task_id=task.pk, office_id=office.pk, record_type=task.record_type,
         record_id=task.record_id)
    _assigned(task)
    return task


def _may_manage(actor, task: Task) -> bool:
    """The setter, or whoever oversees the office's tasks and may change them."""
    if actor is None:
        return True
    if task.created_by_id == actor.pk:
        return True
    return actor.has_perm(perms.CHANGE_TASK) and actor.has_perm(perms.VIEW_OFFICE_TASKS) \
        and _in_scope(actor, task.office_id)


@transaction.atomic
def task_update(*, actor, task: Task, **fields) -> Task:
    """Edit what the task is; the due date moves only by postponing, the assignee by reassigning."""
    ensure(actor, perms.CHANGE_TASK, system_ok=True)
    task = _lock_visible(actor, task)
    if not _may_manage(actor, task):
        raise denied(message=_("Изменить задачу может тот, кто её поставил, или руководитель офиса."))
    _ensure_open(task)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise DomainError("invalid", _("Эти поля так не меняются: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = _snapshot(task)
    for name, value in fields.items():
        if name in {"title", "purpose"}:
            value = clean_text(value or "").strip()
        elif name == "description":
            value = clean_text(value or "", multiline=True).strip()
        setattr(task, name, value)
    if not task.title:
        raise _field_error("title_required", "title", _("Опишите задачу."))
    _check_dates(task.due_on, task.deadline_on, timezone.localdate())
    validated(task, exclude=["auto_key"])
    task.save()
    audit(actor=actor, action="task.update", obj=task, before=before, after=_snapshot(task))
    return task


@transaction.atomic
def task_postpone(*, actor, task: Task, to_on: datetime.date, reason: str) -> Task:
    """Move the due date later, never past the hard deadline nor once it has passed; counted and logged."""
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, task)
    if actor.pk not in (task.assignee_id, task.created_by_id) and not _may_manage(actor, task):
        raise denied(message=_("Перенести срок может исполнитель, тот, кто поставил задачу, или руководитель."))
    _ensure_open(task)
    today = timezone.localdate()
    reason = clean_text(reason or "", multiline=True).strip()
    if not reason:
        raise _field_error("reason_required", "reason", _("Укажите причину переноса."))
    if to_on is None:
        raise _field_error("invalid", "to_on", _("Укажите новый срок."))
    date_or_domain_error(to_on, PLANNED, "to_on", today)
    if to_on <= task.due_on or to_on < today:
        raise _field_error("postpone_not_later", "to_on", _("Новый срок должен быть позже прежнего и не в прошлом."))
    if task.deadline_on is not None:
        if today > task.deadline_on:
            raise _field_error("deadline_passed", "to_on", _("Крайний срок %(date)s прошёл: перенос невозможен.")
                               % {"date": f"{task.deadline_on:%d.%m.%Y}"})
        if to_on > task.deadline_on:
            raise _field_error("postpone_past_deadline", "to_on",
                               _("Нельзя перенести срок позже крайнего срока (%(date)s).")
                               % {"date": f"{task.deadline_on:%d.%m.%Y}"})
    TaskPostponement.objects.create(task=task, from_on=task.due_on, to_on=to_on, reason=reason, by=actor)
    before = task.due_on
    task.due_on = to_on
    task.postponements += 1
    task.reminded_due_on = None
    task.save(update_fields=["due_on", "postponements", "reminded_due_on", "updated_at"])
    audit(actor=actor, action="task.postpone", obj=task,
          before={"due_on": before.isoformat()},
          after={"due_on": to_on.isoformat(), "postponements": task.postponements, "reason": reason[:500]})
    return task


@transaction.atomic
def task_done(*, actor, task: Task, note: str = "") -> Task:
    """The assignee (or, for a queue task, whoever of the office takes it) reports it done."""
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, task)
    _ensure_open(task)
    if task.assignee_id is None:
        if not _works_in(actor, task.office_id) and not is_head_of(actor, task):
            raise denied(message=_("Задачу из очереди офиса выполняет сотрудник этого офиса."))
        task.assignee = actor
    elif actor.pk != task.assignee_id and not is_head_of(actor, task):
        raise denied(message=_("Отметить выполнение может исполнитель задачи или его руководитель."))
    task.status, task.done_at, task.done_by = Task.Status.DONE, timezone.now(), actor
    task.save(update_fields=["assignee", "status", "done_at", "done_by", "updated_at"])
    note = clean_text(note or "", multiline=True).strip()
    if note:
        TaskComment.objects.create(task=task, author=actor, text=note)
    audit(actor=actor, action="task.done", obj=task, after={"status": task.status, "note": note[:500]})
    emit("todos.task_done", task_id=task.pk, record_type=task.record_type, record_id=task.record_id)
    return task


@transaction.atomic
def task_confirm(*, actor, task: Task) -> Task:
    """Accept the work: whoever set the task, or the assignee's head; one's own work only with its own right."""
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, task)
    if task.status != Task.Status.DONE:
        raise DomainError("task_not_done", _("Подтвердить можно только выполненную задачу."))
    own = actor.pk in (task.assignee_id, task.done_by_id)
    if own and not actor.has_perm(perms.CONFIRM_OWN_TASK):
        raise _field_error("confirm_own", "status",
                           _("Свою работу подтверждает тот, кто поставил задачу, или руководитель."))
    if not own and actor.pk != task.created_by_id and not is_head_of(actor, task):
        raise denied(message=_("Подтвердить выполнение может тот, кто поставил задачу, или руководитель "
                               "исполнителя."))
    task.status, task.confirmed_at, task.confirmed_by = Task.Status.CONFIRMED, timezone.now(), actor
    task.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
    audit(actor=actor, action="task.confirm", obj=task, after={"status": task.status})
    return task


@transaction.atomic
def task_cancel(*, actor, task: Task, reason: str) -> Task:
    ensure(actor, perms.VIEW_TASK, system_ok=True)
    task = _lock_visible(actor, task)
    if not _may_manage(actor, task) and not is_head_of(actor, task):
        raise denied(message=_("Отменить задачу может тот, кто её поставил, или руководитель офиса."))
    _ensure_open(task)
    reason = clean_text(reason or "", multiline=True).strip()
    if not reason:
        raise _field_error("reason_required", "reason", _("Укажите причину отмены."))
    task.status, task.cancelled_at, task.cancel_reason = Task.Status.CANCELLED, timezone.now(), reason
    task.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    audit(actor=actor, action="task.cancel", obj=task, after={"status": task.status, "reason": reason[:500]})
    return task


@transaction.atomic
def task_reassign(*, actor, task: Task, assignee) -> Task:
    """Give the task to another employee of its office (None: back to the office's queue)."""
    ensure(actor, perms.REASSIGN_TASKS)
    task = _lock_visible(actor, task)
    if not _in_scope(actor, task.office_id):
        raise denied(message=_("Офис «%(office)s» вам недоступен.") % {"office": task.office})
    _ensure_open(task)
    _check_assignee(assignee, task.office_id)
    if task.assignee_id == getattr(assignee, "pk", None):
        return task
    before = task.assignee_id
    task.assignee = assignee
    task.save(update_fields=["assignee", "updated_at"])
    audit(actor=actor, action="task.reassign", obj=task, before={"assignee": before},
          after={"assignee": task.assignee_id})
    _assigned(task)
    return task


@transaction.atomic
def tasks_reassign(*, actor, tasks, assignee) -> int:
    """The office head's bulk reassign: every task through the one-task service (its checks and log)."""
    ensure(actor, perms.REASSIGN_TASKS)
    changed = 0
    for task in tasks:
        before = task.assignee_id
        if task_reassign(actor=actor, task=task, assignee=assignee).assignee_id != before:
            changed += 1
    return changed


@transaction.atomic
def task_comment_add(*, actor, task: Task, text: str) -> TaskComment:
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, task)
    text = clean_text(text or "", multiline=True).strip()
    if not text:
        raise _field_error("text_required", "text", _("Напишите комментарий."))
    comment = TaskComment.objects.create(task=task, author=actor, text=text)
    audit(actor=actor, action="task.comment", obj=task, after={"text": text[:500]})
    return comment


@transaction.atomic
def checklist_item_add(*, actor, task: Task, text: str) -> TaskChecklistItem:
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, task)
    if actor.pk not in (task.assignee_id, task.created_by_id) and not _may_manage(actor, task):
        raise denied(message=_("Пункты добавляют исполнитель и тот, кто поставил задачу."))
    _ensure_open(task)
    text = clean_text(text or "").strip()
    if not text:
        raise _field_error("text_required", "text", _("Напишите пункт."))
    order = task.checklist.count()
    item = TaskChecklistItem.objects.create(task=task, text=text[:300], order=order)
    audit(actor=actor, action="task.checklist", obj=task, after={"added": item.text})
    return item


@transaction.atomic
def checklist_item_toggle(*, actor, item: TaskChecklistItem, done: bool) -> TaskChecklistItem:
    ensure(actor, perms.VIEW_TASK)
    task = _lock_visible(actor, item.task)
    if actor.pk != task.assignee_id and not is_head_of(actor, task):
        raise denied(message=_("Пункты отмечает исполнитель задачи."))
    _ensure_open(task)
    item = TaskChecklistItem.objects.select_for_update().get(pk=item.pk, task=task)
    item.is_done = bool(done)
    item.done_by, item.done_at = (actor, timezone.now()) if done else (None, None)
    item.save(update_fields=["is_done", "done_by", "done_at"])
    audit(actor=actor, action="task.checklist", obj=task, after={"item": item.text, "done": item.is_done})
    return item
