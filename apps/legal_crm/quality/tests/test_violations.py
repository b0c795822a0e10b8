"""Violations by hand, the appeal and the decision, the checklist's rules, who sees what, payroll's selector and
the notifications (quality/violations)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.messaging.models import Notification
from legal_crm.quality import selectors as quality_selectors
from legal_crm.quality.models import Violation, ViolationRule
from legal_crm.quality.violations import selectors
from legal_crm.quality.violations.services import (
    violation_appeal,
    violation_decide,
    violation_record,
    violation_rule_save,
)

from .factories import violation_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_staff, office):
    return {role: make_staff(role, offices=[office]) for role in ("operator", "lawyer", "office_head")}


def record(actor, offender, rule=None, **kw):
    kw.setdefault("day", timezone.localdate() - datetime.timedelta(days=1))
    return violation_record(actor=actor, offender=offender, rule=rule or violation_rule(amount=Decimal("300.00")),
                            **kw)


def code_of(fn, **kw) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kw)
    return exc.value.code


def rule_fields(**kw):
    fields = {"name": "Звонки вовремя", "kind": "call_overdue", "params": {"hours": 2}}
    fields.update(kw)
    return fields


def test_a_rule_with_an_unknown_kind_or_parameter_is_refused_at_save(admin_user):
    for bad, field in ((rule_fields(kind="moon_phase"), "kind"),
                       (rule_fields(params={"hours": 2, "weekday": 3}), "params"),
                       (rule_fields(params={}), "params"),  # «hours» is required
                       (rule_fields(params={"hours": "два"}), "params"),
                       (rule_fields(params={"hours": 0}), "params"),
                       (rule_fields(kind="task_overdue", params={"days": 1}), "params"),
                       (rule_fields(suspended_from=datetime.date(2027, 1, 10),
                                    suspended_until=datetime.date(2027, 1, 1)), "suspended_until")):
        with pytest.raises(DomainError) as exc:
            violation_rule_save(actor=admin_user, **bad)
        assert exc.value.code == "rule_invalid" and field in exc.value.fields, bad
    assert not ViolationRule.objects.exists()
    rule = violation_rule_save(actor=admin_user, **rule_fields(amount=Decimal("500.00"), points=2))
    assert rule.params == {"hours": 2} and AuditLog.objects.filter(action="violation_rule.save").count() == 1


def test_only_administrators_configure_rules(staff):
    assert code_of(violation_rule_save, actor=staff["office_head"], **rule_fields()) == "access_denied"


def test_recorded_by_hand_appealed_and_cancelled_with_everyone_told(staff, django_capture_on_commit_callbacks):
    operator, head = staff["operator"], staff["office_head"]
    with django_capture_on_commit_callbacks(execute=True):
        violation = record(head, operator, comment="Грубил клиенту по телефону",
                           evidence_url="https://pbx.example.ru/rec/1.mp3")
    assert violation.status == "recorded" and violation.amount == Decimal("300.00") and violation.source == "manual"
    [told] = Notification.objects.filter(user=operator, kind="quality.violation_recorded")
    assert told.link.endswith(f"/quality/violation/{violation.pk}/change/")

    assert code_of(violation_appeal, actor=staff["lawyer"], violation=violation,
                   text="Это не моё нарушение вообще.") == "access_denied"
    assert code_of(violation_appeal, actor=operator, violation=violation, text="нет") == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        violation = violation_appeal(actor=operator, violation=violation,
                                     text="Клиент сам повысил голос, запись разговора это показывает.")
    assert violation.status == "appealed"
    assert Notification.objects.filter(user=head, kind="quality.violation_appealed").count() == 1
    assert code_of(violation_appeal, actor=operator, violation=violation,
                   text="Повторно обжалую то же самое.") == "violation_not_appealable"

    with django_capture_on_commit_callbacks(execute=True):
        violation = violation_decide(actor=head, violation=violation, upheld=False,
                                     reason="Прослушал запись: оператор был вежлив.")
    assert violation.status == "cancelled" and violation.decided_by == head
    [decided] = Notification.objects.filter(user=operator, kind="quality.violation_decided")
    assert decided.title == "Нарушение отменено"
    actions = list(AuditLog.objects.filter(object_id=str(violation.pk), content_type__model="violation")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["violation.record", "violation.appeal", "violation.decide"]
    assert code_of(violation_decide, actor=head, violation=violation, upheld=True,
                   reason="Передумал, оставляю в силе.") == "violation_not_appealed"


def test_the_offender_never_decides_their_own_appeal(make_staff, office, admin_user):
    head, deputy = make_staff("office_head"), make_staff("office_head")
    violation = record(deputy, head)
    violation_appeal(actor=head, violation=violation, text="Я был на выездной встрече с клиентом.")
    assert code_of(violation_decide, actor=head, violation=violation, upheld=False,
                   reason="Сам себе отменяю нарушение.") == "decider_is_offender"
    assert code_of(violation_decide, actor=make_staff("lawyer"), violation=violation, upheld=False,
                   reason="Юрист решает за руководителя.") == "access_denied"
    violation = violation_decide(actor=deputy, violation=violation, upheld=True,
                                 reason="Встреча не согласована, нарушение в силе.")
    assert violation.status == "upheld"


def test_recording_refusals(staff, make_staff, other_office):
    operator, head = staff["operator"], staff["office_head"]
    rule = violation_rule()
    record(head, operator, rule=rule)
    assert code_of(record, actor=head, offender=operator, rule=rule) == "violation_duplicate"
    assert code_of(record, actor=head, offender=operator, rule=rule,
                   day=timezone.localdate() + datetime.timedelta(days=1)) == "violation_day_future"
    assert code_of(record, actor=head, offender=head, rule=rule) == "offender_is_actor"
    stranger = make_staff("operator", offices=[other_office])
    assert code_of(record, actor=head, offender=stranger, rule=rule) == "access_denied"
    assert code_of(record, actor=operator, offender=staff["lawyer"], rule=rule) == "access_denied"


def test_who_sees_which_violations(staff, make_staff, other_office):
    operator, lawyer, head = staff["operator"], staff["lawyer"], staff["office_head"]
    far_head = make_staff("office_head", offices=[other_office])
    mine, theirs = record(head, operator), record(head, lawyer)
    assert list(selectors.violation_list_visible_to(operator)) == [mine]
    assert set(selectors.violation_list_visible_to(head)) == {mine, theirs}
    assert not selectors.violation_list_visible_to(far_head).exists()
    assert code_of(violation_appeal, actor=operator, violation=theirs,
                   text="Чужое нарушение обжалую зачем-то.") == "access_denied"
    violation_appeal(actor=lawyer, violation=theirs, text="Документы сданы вовремя, есть опись.")
    assert code_of(violation_decide, actor=far_head, violation=theirs, upheld=False,
                   reason="Чужой офис, но отменяю.") == "access_denied"
    assert list(selectors.appeals_waiting(head)) == [theirs]


def test_payroll_reads_recorded_and_upheld_violations_of_the_period(staff, make_staff):
    operator, lawyer, head = staff["operator"], staff["lawyer"], staff["office_head"]
    deputy = make_staff("office_head")
    day = timezone.localdate() - datetime.timedelta(days=2)
    fine = violation_rule("manual", name="Опоздание", amount=Decimal("300.00"), points=1)
    rude = violation_rule("manual", name="Грубость", amount=Decimal("1000.00"), points=5)
    late_again = record(head, operator, rule=fine, day=day)
    upheld = record(head, operator, rule=rude, day=day)
    violation_appeal(actor=operator, violation=upheld, text="Я не грубил, клиент всё перепутал.")
    violation_decide(actor=deputy, violation=upheld, upheld=True, reason="Запись разговора подтверждает.")
    cancelled = record(head, operator, rule=fine, day=day - datetime.timedelta(days=1))
    violation_appeal(actor=operator, violation=cancelled, text="В тот день был на больничном.")
    violation_decide(actor=deputy, violation=cancelled, upheld=False, reason="Больничный лист предъявлен.")
    pending = record(head, lawyer, rule=fine, day=day)
    violation_appeal(actor=lawyer, violation=pending, text="Опоздал из-за суда, есть повестка.")
    record(head, lawyer, rule=rude, day=day - datetime.timedelta(days=40))  # outside the period

    employees = {user: user.employee.pk for user in (operator, lawyer, head)}
    result = quality_selectors.violations_for_payroll(employees.values(),
                                                      (day - datetime.timedelta(days=10), day))
    assert result[employees[operator]] == {"amount": Decimal("1300.00"), "points": 6, "count": 2,
                                           "violation_ids": [late_again.pk, upheld.pk], "pending": 0}
    assert result[employees[lawyer]]["count"] == 0 and result[employees[lawyer]]["pending"] == 1
    assert employees[head] not in result
    assert Violation.objects.count() == 5
