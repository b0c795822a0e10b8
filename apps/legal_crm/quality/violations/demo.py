"""Demo of violations: the standard checklist of rules and one violation recorded by hand for the demo operator
(appealable on their «Мой день»). Idempotent: rules are found by name, the violation by its person and rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create

from . import services
from .models import Violation, ViolationRule

RULES = [
    # name, kind, params, amount, points
    ("Лид не взят в работу за 15 минут", "lead_not_taken", {"minutes": 15}, None, 1),
    ("Плановый звонок просрочен более 2 часов", "call_overdue", {"hours": 2}, None, 1),
    ("Задача просрочена", "task_overdue", {}, None, 1),
    ("Жалоба не закрыта за 10 дней", "complaint_open", {"days": 10}, Decimal("1000.00"), 3),
    ("Договор без действий 30 дней", "contract_idle", {"days": 30}, Decimal("500.00"), 2),
    ("Грубость с клиентом", "manual", {}, Decimal("2000.00"), 5),
]


def seed() -> str:
    for name, kind, params, amount, points in RULES:
        find_or_create(ViolationRule, {"name": name}, {"kind": kind, "params": params, "amount": amount,
                                                       "points": points})
    head = User.objects.filter(username="office_head").first()
    operator = User.objects.filter(username="operator").first()
    rule = ViolationRule.objects.filter(name="Грубость с клиентом").first()
    if head and operator and rule and not Violation.objects.filter(offender=operator, rule=rule).exists():
        try:
            services.violation_record(actor=head, offender=operator, rule=rule,
                                      day=timezone.localdate() - datetime.timedelta(days=1),
                                      comment="Перебил клиента и повысил голос (звонок в 11:40).")
        except DomainError:
            pass
    return f"правил нарушений: {ViolationRule.objects.count()}, нарушений: {Violation.objects.count()}"
