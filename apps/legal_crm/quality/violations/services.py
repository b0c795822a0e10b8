"""Writes of violations: the checklist of rules and the pauses (administrators), recording by hand, the offender's
appeal and the decision on it. Each checks the right and the office scope, writes in a transaction, audits and
emits the event the notifications follow. The daily job's writes are in jobs.py."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.rules import rule_save
from legal_crm.core.validation import validated
from legal_crm.org.models import Employee
from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.quality import perms

from .kinds import KINDS
from .models import Violation, ViolationPause, ViolationRule

MIN_TEXT = 10
RULE_FIELDS = ("name", "kind", "params", "is_active", "suspended_from", "suspended_until", "amount", "points",
               "description")


# --- the checklist ---------------------------------------------------------------------------------------------

def rule_errors(rule: ViolationRule) -> dict[str, str]:
    """What is wrong with the rule's kind and parameters, per field."""
    kind = KINDS.get(rule.kind)
    if kind is None:
        return {"kind": _("Неизвестное правило «%(code)s».") % {"code": rule.kind}}
    params = rule.params if isinstance(rule.params, dict) else None
    if params is None:
        return {"params": _("Параметры — это пары «имя: значение».")}
    unknown = sorted(set(params) - set(kind.params))
    if unknown:
        known = ", ".join(kind.params) or _("никаких")
        return {"params": _("Неизвестные параметры: %(names)s. У этого правила: %(known)s.") % {
            "names": ", ".join(unknown), "known": known}}
    for name, (_words, required) in kind.params.items():
        value = params.get(name)
        if value is None:
            if required:
                return {"params": _("Укажите параметр «%(name)s».") % {"name": name}}
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return {"params": _("Параметр «%(name)s» — целое число больше нуля.") % {"name": name}}
    if rule.suspended_from and rule.suspended_until and rule.suspended_until < rule.suspended_from:
        return {"suspended_until": _("Конец приостановки раньше её начала.")}
    if rule.suspended_until and not rule.suspended_from:
        return {"suspended_from": _("Укажите, с какого дня правило приостановлено.")}
    return {}


@transaction.atomic
def violation_rule_save(*, actor, rule: ViolationRule | None = None, **fields) -> ViolationRule:
    creating = rule is None or rule.pk is None
    ensure(actor, perms.ADD_VIOLATION_RULE if creating else perms.CHANGE_VIOLATION_RULE)
    rule = rule if rule is not None else ViolationRule()
    # the violations found keep their rule: another check would change what they were found by
    if not creating and rule.kind != fields.get("kind", rule.kind) and rule.violations.exists():
        message = _("По правилу уже есть нарушения: создайте новое правило вместо смены проверки.")
        raise DomainError("rule_in_use", message, fields={"kind": message})
    return rule_save(actor=actor, rule=rule, fields=fields, allowed=RULE_FIELDS, errors_of=rule_errors,
                     action="violation_rule.save")


@transaction.atomic
def violation_pause_save(*, actor, pause: ViolationPause | None = None, starts_on: datetime.date,
                         ends_on: datetime.date, reason: str) -> ViolationPause:
    creating = pause is None or pause.pk is None
    ensure(actor, perms.ADD_VIOLATION_PAUSE if creating else perms.CHANGE_VIOLATION_PAUSE)
    if ends_on < starts_on:
        message = _("Конец паузы раньше её начала.")
        raise DomainError("pause_invalid", message, fields={"ends_on": message})
    pause = pause if pause is not None else ViolationPause()
    before = None if creating else {"starts_on": str(pause.starts_on), "ends_on": str(pause.ends_on)}
    pause.starts_on, pause.ends_on, pause.reason = starts_on, ends_on, (reason or "").strip()
    validated(pause)
    pause.save()
    audit(actor=actor, action="violation_pause.save", obj=pause, before=before,
          after={"starts_on": str(starts_on), "ends_on": str(ends_on), "reason": pause.reason})
    return pause


@transaction.atomic
def violation_pause_delete(*, actor, pause: ViolationPause) -> None:
    ensure(actor, perms.DELETE_VIOLATION_PAUSE)
    audit(actor=actor, action="violation_pause.delete", obj=pause,
          before={"starts_on": str(pause.starts_on), "ends_on": str(pause.ends_on), "reason": pause.reason})
    pause.delete()


# --- violations ------------------------------------------------------------------------------------------------

def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if len(value) < MIN_TEXT:
        raise DomainError("reason_required", message % {"n": MIN_TEXT}, fields={field: message % {"n": MIN_TEXT}})
    return value


def _ensure_office(actor, office_id: int) -> None:
    ids = office_ids_visible_to(actor)
    if ids is not None and office_id not in ids:
        raise DomainError("access_denied", _("Нарушение относится к офису, к которому у вас нет доступа."))


def _lock(violation: Violation) -> Violation:
    return Violation.objects.select_for_update().select_related("rule").get(pk=violation.pk)


@transaction.atomic
def violation_record(*, actor, offender, rule: ViolationRule, day: datetime.date, office=None, comment: str = "",
                     evidence_url: str = "", record_type: str = "", record_id: str = "") -> Violation:
    """A violation recorded by hand, in an office of the actor where the offender works."""
    ensure(actor, perms.ADD_VIOLATION)
    employee = Employee.objects.filter(user=offender).first() if offender is not None else None
    if employee is None:
        message = _("Нарушение фиксируется за сотрудником компании.")
        raise DomainError("not_an_employee", message, fields={"offender": message})
    if offender.pk == actor.pk:
        message = _("Нельзя зафиксировать нарушение за самим собой.")
        raise DomainError("offender_is_actor", message, fields={"offender": message})
    office_ids = set(employee.offices.values_list("pk", flat=True))
    if office is None:
        office_id = employee.main_office_id or min(office_ids, default=None)
    else:
        office_id = office.pk
    if office_id is None or (office_ids and office_id not in office_ids):
        message = _("Сотрудник не работает в этом офисе.")
        raise DomainError("not_an_employee", message, fields={"office": message})
    _ensure_office(actor, office_id)
    today = timezone.localdate()
    if day > today:
        message = _("Нарушение не может быть зафиксировано на будущую дату.")
        raise DomainError("violation_day_future", message, fields={"day": message})
    date_or_domain_error(day, PAST_EVENT, "day", today)
    violation = Violation(offender=offender, office_id=office_id, rule=rule, day=day, source=Violation.Source.MANUAL,
                          comment=(comment or "").strip(), evidence_url=(evidence_url or "").strip(),
                          record_type=record_type, record_id=str(record_id or ""), amount=rule.amount,
                          points=rule.points, recorded_by=actor)
    validated(violation, exclude=["offender", "rule", "office"])
    if Violation.objects.filter(offender=offender, rule=rule, day=day).exists():
        message = _("За этот день нарушение «%(rule)s» у сотрудника уже зафиксировано.") % {"rule": rule}
        raise DomainError("violation_duplicate", message, fields={"day": message})
    try:
        with transaction.atomic():
            violation.save()
    except IntegrityError:  # the job or a colleague recorded the same one a moment earlier
        message = _("За этот день нарушение «%(rule)s» у сотрудника уже зафиксировано.") % {"rule": rule}
        raise DomainError("violation_duplicate", message, fields={"day": message}) from None
    audit(actor=actor, action="violation.record", obj=violation,
          after={"offender": offender.pk, "rule": rule.pk, "day": day.isoformat(), "comment": violation.comment})
    emit("quality.violations_recorded", violation_ids=[violation.pk])
    return violation


@transaction.atomic
def violation_appeal(*, actor, violation: Violation, text: str) -> Violation:
    """The offender disagrees: the violation waits for a decision and does not count until then."""
    ensure(actor, perms.VIEW_VIOLATION)
    violation = _lock(violation)
    if violation.offender_id != actor.pk:
        raise DomainError("access_denied", _("Обжаловать нарушение может только тот, за кем оно зафиксировано."))
    if not violation.can_appeal():
        raise DomainError("violation_not_appealable", _("Это нарушение уже обжаловано или по нему принято решение."))
    text = _text(text, "text", _("Объясните, почему вы не согласны: хотя бы %(n)s символов."))
    violation.status = Violation.Status.APPEALED
    violation.appeal_text = text
    violation.appealed_at = timezone.now()
    violation.save(update_fields=["status", "appeal_text", "appealed_at", "updated_at"])
    audit(actor=actor, action="violation.appeal", obj=violation, before={"status": Violation.Status.RECORDED},
          after={"status": violation.status, "text": text[:500]})
    emit("quality.violation_appealed", violation_id=violation.pk, office_id=violation.office_id)
    return violation


@transaction.atomic
def violation_decide(*, actor, violation: Violation, upheld: bool, reason: str) -> Violation:
    """The office head (or whoever decides appeals) upholds or cancels an appealed violation, with the reason."""
    ensure(actor, perms.DECIDE_VIOLATION)
    violation = _lock(violation)
    _ensure_office(actor, violation.office_id)
    if violation.offender_id == actor.pk:
        raise DomainError("decider_is_offender", _("Решение по своему нарушению принимает другой руководитель."))
    if not violation.can_decide():
        raise DomainError("violation_not_appealed", _("Решение принимается по обжалованному нарушению."))
    reason = _text(reason, "reason", _("Укажите основание решения: хотя бы %(n)s символов."))
    violation.status = Violation.Status.UPHELD if upheld else Violation.Status.CANCELLED
    violation.decided_by = actor
    violation.decided_at = timezone.now()
    violation.decision_reason = reason
    violation.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    audit(actor=actor, action="violation.decide", obj=violation, before={"status": Violation.Status.APPEALED},
          after={"status": violation.status, "reason": reason[:500]})
    emit("quality.violation_decided", violation_id=violation.pk, offender_id=violation.offender_id,
         upheld=upheld)
    return violation
