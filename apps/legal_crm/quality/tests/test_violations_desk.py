"""The violations desk: the offender's list and card, «Обжаловать», the head's «Решение», recording by hand, the
checklist's form refusing an unknown parameter, and the «Мой день» block."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from legal_crm.quality.models import Violation, ViolationRule
from legal_crm.quality.violations.home import my_violations_block
from legal_crm.quality.violations.services import violation_record

from .factories import violation_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_staff):
    return {"operator": make_staff("operator"), "lawyer": make_staff("lawyer"), "head": make_staff("office_head")}


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_the_offender_sees_only_theirs_and_appeals_then_the_head_decides(client, people):
    operator, lawyer, head = people["operator"], people["lawyer"], people["head"]
    rule = violation_rule(name="Опоздание на планёрку")
    mine = violation_record(actor=head, offender=operator, rule=rule, day=yesterday(), comment="На 20 минут")
    others = violation_record(actor=head, offender=lawyer, rule=violation_rule(name="Не сдал отчёт"), day=yesterday())
    client.force_login(operator)
    page = client.get(reverse("admin:quality_violation_changelist")).content.decode()
    assert f"/quality/violation/{mine.pk}/change/" in page and str(lawyer) not in page  # the rules are in the filter
    card = client.get(reverse("admin:quality_violation_change", args=[mine.pk])).content.decode()
    assert "На 20 минут" in card and reverse("admin:quality_violation_appeal", args=[mine.pk]) in card

    url = reverse("admin:quality_violation_appeal", args=[mine.pk])
    short = client.post(url, {"text": "нет"})
    assert short.status_code == 200 and "хотя бы 10 символов" in short.content.decode()
    done = client.post(url, {"text": "Был на звонке с клиентом, это видно в журнале звонков."})
    assert done.status_code == 302
    assert Violation.objects.get(pk=mine.pk).status == "appealed"
    assert client.get(reverse("admin:quality_violation_change", args=[others.pk])).status_code == 404
    assert client.get(reverse("admin:quality_violation_decide", args=[mine.pk])).status_code == 403

    client.force_login(head)
    page = client.get(reverse("admin:quality_violation_changelist"), {"status": "appealed"}).content.decode()
    assert str(operator) in page and str(lawyer) not in page
    url = reverse("admin:quality_violation_decide", args=[mine.pk])
    assert client.post(url, {"decision": "maybe", "reason": "Не знаю, что решить."}).status_code == 200
    done = client.post(url, {"decision": "upheld", "reason": "Звонок был после планёрки, опоздание в силе."})
    assert done.status_code == 302
    violation = Violation.objects.get(pk=mine.pk)
    assert violation.status == "upheld" and violation.decided_by == head
    card = client.get(reverse("admin:quality_violation_change", args=[mine.pk])).content.decode()
    assert "Звонок был после планёрки" in card and "Решение по обжалованию нарушения" in card


def test_the_head_records_a_violation_by_hand(client, people):
    head, operator = people["head"], people["operator"]
    rule = violation_rule(name="Грубость с клиентом")
    client.force_login(head)
    url = reverse("admin:quality_violation_record")
    assert client.get(url).status_code == 200
    form = {"offender": operator.pk, "rule": rule.pk, "day": f"{yesterday():%d.%m.%Y}",
            "evidence_url": "https://pbx.example.ru/rec/77.mp3", "comment": "Повысил голос на клиента"}
    assert client.post(url, form).status_code == 302
    again = client.post(url, form)
    assert again.status_code == 200 and "уже зафиксировано" in again.content.decode()
    assert Violation.objects.get().evidence_url == "https://pbx.example.ru/rec/77.mp3"
    client.force_login(operator)
    assert client.get(url).status_code == 403


def test_the_checklist_form_refuses_an_unknown_parameter(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:quality_violationrule_add")
    form = {"name": "Звонки вовремя", "kind": "call_overdue", "params": '{"hours": 2, "weekday": 3}',
            "is_active": "on", "points": 0}
    page = client.post(url, form)
    assert page.status_code == 200 and "Неизвестные параметры: weekday" in page.content.decode()
    form["params"] = '{"hours": 2}'
    assert client.post(url, form).status_code == 302
    assert ViolationRule.objects.get().params == {"hours": 2}


def test_my_day_shows_my_violations_and_the_appeals_waiting(people):
    operator, head = people["operator"], people["head"]
    violation = violation_record(actor=head, offender=operator, rule=violation_rule(), day=yesterday())
    request = RequestFactory().get("/")
    request.user = operator
    block = my_violations_block(request)
    assert block["rows"][0]["url"].endswith(f"/quality/violation/{violation.pk}/change/")
    assert "можно обжаловать" in block["rows"][0]["note"]
    request.user = head
    assert my_violations_block(request) is None  # nothing of mine, no appeal waiting
    violation.status = Violation.Status.APPEALED
    violation.save()
    assert "Обжалования ждут решения: 1" in my_violations_block(request)["rows"][0]["text"]
