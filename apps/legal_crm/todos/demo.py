"""Demo of tasks: the standard automatic-task rules (standard_rules.py; the contracts seeded after this get their
tasks from them) and a few tasks set by hand on the demo staff's day. Idempotent: rules are found by name, tasks
by title."""

from __future__ import annotations

import datetime

from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.core.models import User

from . import services
from .models import Task, TaskRule

TASKS = [
    # assignee's login, title, days from today, checklist
    ("lawyer", "Сверить список кредиторов с кредитной историей", 0, ["Запросить отчёт БКИ", "Сверить суммы"]),
    ("lawyer", "Отправить клиенту проект заявления", -1, []),
    ("lawyer", "Позвонить финансовому управляющему", 2, []),
    ("operator", "Перезвонить клиентам, не взявшим трубку утром", 0, []),
    ("office_head", "Проверить просроченные задачи офиса", 1, []),
]


def seed() -> str:
    admin = User.objects.filter(username="admin").first()
    if admin is not None:
        services.standard_rules_install(actor=admin)
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
