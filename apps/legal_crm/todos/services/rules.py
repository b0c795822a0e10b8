"""The administrators' automatic-task rules: a rule naming an unknown event, role or parameter is refused here."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.guard import ensure
from legal_crm.core.rules import rule_save
from legal_crm.todos import perms

from ..models import TaskRule
from ..triggers import TRIGGERS

FIELDS = ("name", "is_active", "trigger", "params", "kind", "title", "description", "complexity", "days",
          "deadline_days", "assign_by", "role", "position")


def rule_errors(rule: TaskRule) -> dict[str, str]:
    """What is wrong with the rule's event, parameters and assignee, per field."""
    trigger = TRIGGERS.get(rule.trigger)
    if trigger is None:
        return {"trigger": _("Неизвестное событие «%(code)s».") % {"code": rule.trigger}}
    errors = {}
    params = rule.params if isinstance(rule.params, dict) else None
    if params is None:
        errors["params"] = _("Параметры — это пары «имя: значение».")
    else:
        unknown = sorted(set(params) - set(trigger.params))
        if unknown:
            known = ", ".join(trigger.params) or _("никаких")
            errors["params"] = _("Неизвестные параметры: %(names)s. У этого события: %(known)s.") % {
                "names": ", ".join(unknown), "known": known}
        else:
            for name, (kind, required) in trigger.params.items():
                value = params.get(name)
                if value is None:
                    if required:
                        errors["params"] = _("Укажите параметр «%(name)s».") % {"name": name}
                elif kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                    errors["params"] = _("Параметр «%(name)s» — целое число больше нуля.") % {"name": name}
                elif kind is str and not isinstance(value, str):
                    errors["params"] = _("Параметр «%(name)s» — текст.") % {"name": name}
    if rule.assign_by == TaskRule.AssignBy.RECORD_ROLE and rule.role not in trigger.roles:
        offered = ", ".join(f"{code} ({label})" for code, label in trigger.roles.items()) or "—"
        errors["role"] = _("У записи этого события нет роли «%(role)s». Есть: %(offered)s.") % {
            "role": rule.role, "offered": offered}
    if rule.assign_by == TaskRule.AssignBy.POSITION and rule.position_id is None:
        errors["position"] = _("Выберите должность.")
    return errors


@transaction.atomic
def task_rule_save(*, actor, rule: TaskRule | None = None, **fields) -> TaskRule:
    creating = rule is None or rule.pk is None
    ensure(actor, perms.ADD_TASKRULE if creating else perms.CHANGE_TASKRULE)
    return rule_save(actor=actor, rule=rule if rule is not None else TaskRule(), fields=fields, allowed=FIELDS,
                     errors_of=rule_errors, action="task_rule.save")


@transaction.atomic
def task_rule_delete(*, actor, rule: TaskRule) -> None:
    ensure(actor, perms.DELETE_TASKRULE)
    audit(actor=actor, action="task_rule.delete", obj=rule, before={"name": rule.name, "trigger": rule.trigger})
    rule.delete()


@transaction.atomic
def standard_rules_install(*, actor) -> list[TaskRule]:
    """Adds the standard rules not there yet (by name), each through task_rule_save: checked and audited."""
    from ..standard_rules import missing_standard_rules

    ensure(actor, perms.ADD_TASKRULE)
    return [task_rule_save(actor=actor, name=str(name), trigger=trigger, params=dict(params), title=str(title),
                           kind=kind, days=days, deadline_days=deadline_days, assign_by=assign_by, role=role)
            for name, trigger, params, title, kind, days, deadline_days, assign_by, role in missing_standard_rules()]
