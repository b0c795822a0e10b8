"""Demo of tasks: the standard automatic-task rules (the contracts seeded after this get their tasks from them)
and a few tasks set by hand on the demo staff's day. Idempotent: rules are found by name, tasks by title."""

from __future__ import annotations

import datetime

from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create

from . import services
from .models import Task, TaskRule

RULES = [
    # name, trigger, params, title, kind, days, deadline_days, assign_by, role
    ("Документы после подписания", "contract_signed", {}, "Собрать документы", "documents", 3, 7,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    ("Подготовка к заседанию", "hearing_set", {}, "Подготовиться к заседанию", "hearing_prep", -1, None,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    ("Судебное заседание", "hearing_set", {}, "Судебное заседание", "hearing", 0, 0,
     TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
    ("Просрочка счёта 5 дней", "invoice_overdue", {"days": 5}, "Связаться с клиентом по оплате", "payment", 0, 3,
     TaskRule.AssignBy.QUEUE, ""),
    ("Жалоба назначена", "complaint_assigned", {}, "Разобрать жалобу и ответить клиенту", "complaint", 3, None,
     TaskRule.AssignBy.RECORD_ROLE, "responsible"),
    ("Ответ на расторжение", "termination_requested", {}, "Подготовить ответ на заявление о расторжении",
     "termination", -2, 2, TaskRule.AssignBy.RECORD_ROLE, "lawyer"),
]

TASKS = [
    # assignee's login, title, days from today, checklist
    ("lawyer", "Сверить список кредиторов с кредитной историей", 0, ["Запросить отчёт БКИ", "Сверить суммы"]),
    ("lawyer", "Отправить клиенту проект заявления", -1, []),
    ("lawyer", "Позвонить финансовому управляющему", 2, []),
    ("operator", "Перезвонить клиентам, не взявшим трубку утром", 0, []),
    ("office_head", "Проверить просроченные задачи офиса", 1, []),
]


def seed() -> str:
    for name, trigger, params, title, kind, days, deadline_days, assign_by, role in RULES:
        find_or_create(TaskRule, {"name": name}, {
            "trigger": trigger, "params": params, "title": title, "kind": kind, "days": days,
            "deadline_days": deadline_days, "assign_by": assign_by, "role": role})
    admin = User.objects.filter(username="admin").first()
    today = timezone.localdate()
    for login, title, days, checklist in TASKS:
        user = User.objects.filter(username=login).select_related("employee__main_office").first()
        office = getattr(getattr(user, "employee", None), "main_office", None)
        if admin is None or office is None or Task.objects.filter(title=title, assignee=user).exists():
            continue
        try:
            services.task_create(actor=admin, title=title, office=office, assignee=user, checklist=checklist,
                                 due_on=today + datetime.timedelta(days=days))
        except DomainError:
            continue
    return f"правил автоматических задач: {TaskRule.objects.count()}, задач: {Task.objects.count()}"
