"""The demo questionnaire and scripts: realistic, on top of the demo leads, and idempotent."""

import pytest
from django.utils.module_loading import import_string

from legal_crm.leads.models import Lead, Question, Script, ScriptEnrollment, ScriptMove, SegmentThreshold
from legal_crm.leads.scripts import demo as demo_scripts

pytestmark = pytest.mark.django_db


def test_demo_questionnaire_and_boards_are_seeded_once(roles):
    for path in ["legal_crm.org.demo.seed", "legal_crm.directory.demo.seed", "legal_crm.marketing.demo.seed",
                 "legal_crm.leads.demo.seed"]:
        import_string(path)()
    demo_scripts.seed()
    counts = (Question.objects.count(), Script.objects.count(), ScriptEnrollment.objects.count(),
              ScriptMove.objects.count(), SegmentThreshold.objects.count())
    demo_scripts.seed()
    assert (Question.objects.count(), Script.objects.count(), ScriptEnrollment.objects.count(),
            ScriptMove.objects.count(), SegmentThreshold.objects.count()) == counts

    texts = set(Question.objects.values_list("text", flat=True))
    assert {"Общая сумма долгов", "Сколько кредиторов", "Имущество", "Официальный доход в месяц",
            "Просрочка по платежам"} <= texts
    assert set(Script.objects.values_list("name", flat=True)) == {"Новая онлайн-заявка", "Возврат отказников"}
    for script in Script.objects.all():
        cards = ScriptEnrollment.objects.filter(script=script)
        assert cards.count() >= 5
        assert cards.values("step").distinct().count() >= 3  # spread over the columns
    scored = Lead.objects.filter(score__isnull=False)
    assert scored.count() == 3
    assert set(scored.values_list("segment", flat=True)) == {"Горячий", "Тёплый", "Холодный"}
