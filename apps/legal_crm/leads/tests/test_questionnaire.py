"""The questionnaire: points per answer, ranges for numbers, segments by thresholds, one transaction."""

from decimal import Decimal

import pytest

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.leads.models import LeadAnswer, Question
from legal_crm.leads.services import questionnaire as svc

from .factories import LeadFactory
from .factories_scripts import (
    AnswerOptionFactory,
    NumberRangeFactory,
    QuestionFactory,
    SegmentThresholdFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return ServiceFactory(code="bfl-court", name="Банкротство через суд")


@pytest.fixture
def form(service):
    """Debt (number by ranges), property (choice), comment (text worth 2 points)."""
    debt = QuestionFactory(service=service, kind=Question.Kind.NUMBER, text="Сумма долга", order=1)
    NumberRangeFactory(question=debt, min_value=None, max_value=Decimal("500000"), points=0)
    NumberRangeFactory(question=debt, min_value=Decimal("500000"), max_value=Decimal("1000000"), points=20)
    NumberRangeFactory(question=debt, min_value=Decimal("1000000"), max_value=None, points=40)
    prop = QuestionFactory(service=service, kind=Question.Kind.CHOICE, text="Имущество", order=2)
    none = AnswerOptionFactory(question=prop, text="Нет имущества", points=15)
    car = AnswerOptionFactory(question=prop, text="Автомобиль", points=-5)
    note = QuestionFactory(service=service, kind=Question.Kind.TEXT, text="Что важно", order=3, text_points=2)
    SegmentThresholdFactory(service=service, segment="Горячий", min_score=50)
    SegmentThresholdFactory(service=service, segment="Тёплый", min_score=20)
    SegmentThresholdFactory(service=service, segment="Холодный", min_score=-100)
    return {"debt": debt, "prop": prop, "none": none, "car": car, "note": note}



@pytest.fixture
def lead(office, service):
    return LeadFactory(office=office, service=service)


def test_number_ranges_include_the_lower_bound_and_exclude_the_upper(form):
    debt = form["debt"]
    assert svc.points_for(debt, number=Decimal("499999.99")) == 0
    assert svc.points_for(debt, number=Decimal("500000")) == 20
    assert svc.points_for(debt, number=Decimal("999999.99")) == 20
    assert svc.points_for(debt, number=Decimal("1000000")) == 40
    assert svc.points_for(debt, number=None) == 0


@pytest.mark.parametrize("raw, expected", [
    ("1 250 000,50", Decimal("1250000.50")), ("1250000.5", Decimal("1250000.50")), (350000, Decimal("350000.00")),
    ("\u00a0700\u00a0000 ", Decimal("700000.00")),
])
def test_numbers_are_read_the_way_people_type_them(raw, expected):
    assert svc.parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["много", "1e999999", "NaN", "12,5,6", "999999999999999999"])
def test_unreadable_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        svc.parse_number(raw)


def test_the_highest_reached_threshold_sets_the_segment(service, form):
    assert svc.segment_for(service.pk, 75) == "Горячий"
    assert svc.segment_for(service.pk, 50) == "Горячий"
    assert svc.segment_for(service.pk, 49) == "Тёплый"
    assert svc.segment_for(service.pk, -5) == "Холодный"
    assert svc.segment_for(service.pk, None) == ""


def test_common_thresholds_apply_to_services_without_their_own(service, form):
    other = ServiceFactory(code="debt-protection", name="Защита от долгов")
    SegmentThresholdFactory(service=None, segment="Общий высокий", min_score=10)
    SegmentThresholdFactory(service=None, segment="Общий низкий", min_score=0)
    assert svc.segment_for(other.pk, 12) == "Общий высокий"
    assert svc.segment_for(other.pk, 3) == "Общий низкий"
    assert svc.segment_for(service.pk, 12) == "Холодный"  # the service's own thresholds win


def test_saving_answers_computes_score_and_segment(operator, lead, form):
    lead = svc.lead_answers_save(actor=operator, lead=lead, answers={
        str(form["debt"].pk): "1 200 000", form["prop"].pk: str(form["none"].pk), form["note"].pk: "Сохранить квартиру",
    })
    assert lead.score == 40 + 15 + 2
    assert lead.segment == "Горячий"
    lead.refresh_from_db()
    assert (lead.score, lead.segment) == (57, "Горячий")
    answers = {a.question_id: a for a in LeadAnswer.objects.filter(lead=lead)}
    assert answers[form["debt"].pk].number_value == Decimal("1200000.00")
    assert answers[form["prop"].pk].option == form["none"]
    assert answers[form["note"].pk].text_value == "Сохранить квартиру"
    assert answers[form["debt"].pk].answered_by == operator
    log = AuditLog.objects.filter(action="leads.questionnaire").get()
    assert log.after["score"] == 57 and log.before["score"] is None


def test_changing_and_clearing_answers_recomputes_the_score(operator, lead, form):
    svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "700000", form["prop"].pk: form["none"].pk})
    lead = svc.lead_answers_save(actor=operator, lead=lead, answers={form["prop"].pk: form["car"].pk})
    assert lead.score == 20 - 5 and lead.segment == "Холодный"
    lead = svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "", form["prop"].pk: None})
    assert lead.score is None and lead.segment == ""
    assert not LeadAnswer.objects.filter(lead=lead).exists()


def test_bad_answers_are_refused_on_their_fields_and_nothing_is_saved(operator, lead, form):
    foreign = QuestionFactory(service=ServiceFactory(code="other"), kind=Question.Kind.TEXT)
    foreign_option = AnswerOptionFactory(question=QuestionFactory(service=lead.service))
    with pytest.raises(DomainError) as exc:
        svc.lead_answers_save(actor=operator, lead=lead, answers={
            form["note"].pk: "валидный ответ",
            form["debt"].pk: "много",
            form["prop"].pk: foreign_option.pk,
            foreign.pk: "чужой вопрос",
            "abc": "x",
        })
    assert exc.value.code == "invalid_answers"
    assert exc.value.message == "Проверьте ответы анкеты."
    assert exc.value.fields[f"q{form['debt'].pk}"] == "Введите число, например 350000 или 12,5."
    assert exc.value.fields[f"q{form['prop'].pk}"] == "Выберите один из предложенных ответов."
    assert exc.value.fields[f"q{foreign.pk}"] == "Такого вопроса нет в анкете этой услуги."
    assert "qabc" in exc.value.fields
    assert not LeadAnswer.objects.exists()
    lead.refresh_from_db()
    assert lead.score is None


def test_negative_numbers_and_long_texts_are_refused(operator, lead, form):
    with pytest.raises(DomainError) as exc:
        svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "-5",
                                                                  form["note"].pk: "я" * 1001})
    assert exc.value.fields[f"q{form['debt'].pk}"] == "Число не может быть отрицательным."
    assert exc.value.fields[f"q{form['note'].pk}"] == "Не больше 1000 символов."


def test_a_failure_after_writing_rolls_everything_back(operator, lead, form, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit is down")

    monkeypatch.setattr(svc, "audit", broken)
    with pytest.raises(RuntimeError):
        svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "2000000"})
    assert not LeadAnswer.objects.exists()
    lead.refresh_from_db()
    assert lead.score is None and lead.segment == ""


def test_a_service_is_needed_and_choosing_one_switches_the_questionnaire(operator, office, service, form):
    lead = LeadFactory(office=office, service=None)
    with pytest.raises(DomainError) as exc:
        svc.lead_answers_save(actor=operator, lead=lead, answers={})
    assert exc.value.code == "service_required"
    lead = svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "600000"}, service=service)
    assert lead.service == service and lead.score == 20


def test_answers_of_another_service_do_not_count(operator, lead, form):
    svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "2000000"})
    other = ServiceFactory(code="mfc", name="Внесудебное банкротство")
    q = QuestionFactory(service=other, kind=Question.Kind.TEXT, text_points=3)
    lead = svc.lead_answers_save(actor=operator, lead=lead, answers={q.pk: "ответ"}, service=other)
    assert lead.score == 3


def test_an_inactive_service_cannot_be_chosen(operator, lead, form):
    closed = ServiceFactory(code="closed", name="Старая услуга", is_active=False)
    with pytest.raises(DomainError) as exc:
        svc.lead_answers_save(actor=operator, lead=lead, answers={}, service=closed)
    assert exc.value.code == "service_inactive"


@pytest.mark.parametrize("role, allowed", [
    ("operator", True), ("sales", True), ("office_head", True), ("admin", True), ("lawyer", False),
    ("finance", False), ("marketer", False),
])
def test_who_may_answer_the_questionnaire(make_staff, role, allowed, lead, form):
    user = make_staff(role)
    if allowed:
        assert svc.lead_answers_save(actor=user, lead=lead, answers={form["debt"].pk: "600000"}).score == 20
    else:
        with pytest.raises(DomainError) as exc:
            svc.lead_answers_save(actor=user, lead=lead, answers={form["debt"].pk: "600000"})
        assert exc.value.code == "access_denied"


def test_an_operator_of_another_office_may_not_answer(make_staff, other_office, lead, form):
    stranger = make_staff("operator", offices=[other_office])
    with pytest.raises(DomainError) as exc:
        svc.lead_answers_save(actor=stranger, lead=lead, answers={form["debt"].pk: "600000"})
    assert exc.value.code == "access_denied"
    assert not LeadAnswer.objects.exists()


def test_a_changed_score_emits_the_scored_event(operator, lead, form, monkeypatch):
    seen = []
    monkeypatch.setattr(svc, "emit", lambda event, **payload: seen.append((event, payload)))
    svc.lead_answers_save(actor=operator, lead=lead, answers={form["debt"].pk: "600000"})
    assert seen == [("leads.lead_scored", {"lead_id": lead.pk, "score": 20, "segment": "Тёплый"})]


def test_common_thresholds_do_not_repeat_a_score():
    from django.core.exceptions import ValidationError

    from legal_crm.leads.models import SegmentThreshold

    SegmentThresholdFactory(service=None, segment="Горячий", min_score=50)
    with pytest.raises(ValidationError) as exc:
        SegmentThreshold(service=None, segment="Тоже горячий", min_score=50).full_clean()
    assert exc.value.message_dict["min_score"] == ["Порог с таким числом баллов для всех услуг уже есть."]
    SegmentThreshold(service=None, segment="Тёплый", min_score=20).full_clean()


def test_a_range_needs_its_upper_bound_above_the_lower(form):
    from django.core.exceptions import ValidationError

    from legal_crm.leads.models import NumberRange

    with pytest.raises(ValidationError) as exc:
        NumberRange(question=form["debt"], min_value=Decimal("10"), max_value=Decimal("5"), points=1).full_clean()
    assert exc.value.message_dict["max_value"] == ["Верхняя граница должна быть больше нижней."]


def test_an_admin_configures_a_question_with_prepared_answers_in_the_desk(admin_user, service):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin_user)
    response = client.post(reverse("admin:leads_question_add"), data={
        "service": service.pk, "order": "1", "text": "Есть ли ипотека?", "hint": "", "kind": "choice", "unit": "",
        "text_points": "0", "is_active": "on",
        "options-TOTAL_FORMS": "2", "options-INITIAL_FORMS": "0", "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "1000",
        "options-0-order": "1", "options-0-text": "Да", "options-0-points": "-5",
        "options-1-order": "2", "options-1-text": "Нет", "options-1-points": "5",
        "ranges-TOTAL_FORMS": "0", "ranges-INITIAL_FORMS": "0", "ranges-MIN_NUM_FORMS": "0",
        "ranges-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(text="Есть ли ипотека?")
    assert list(question.options.order_by("order").values_list("text", "points")) == [("Да", -5), ("Нет", 5)]


@pytest.mark.django_db
def test_changing_thresholds_resegments_scored_leads(service, office, admin_user,
                                                      django_capture_on_commit_callbacks):
    from legal_crm.leads.models import Lead, SegmentThreshold

    hot = SegmentThresholdFactory(service=service, segment="Горячий", min_score=30)
    SegmentThresholdFactory(service=service, segment="Тёплый", min_score=10)
    scored = LeadFactory(office=office, service=service, score=55, segment="Горячий")
    warm = LeadFactory(office=office, service=service, score=12, segment="Тёплый")
    unscored = LeadFactory(office=office, service=service, score=None, segment="")
    with django_capture_on_commit_callbacks(execute=True):
        svc.segment_threshold_save(actor=admin_user, threshold=hot, min_score=60)
    assert dict(Lead.objects.filter(pk__in=[scored.pk, warm.pk, unscored.pk]).values_list("pk", "segment")) == {
        scored.pk: "Тёплый", warm.pk: "Тёплый", unscored.pk: ""}
    assert AuditLog.objects.filter(action="leads.segment_thresholds", object_id=str(hot.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        svc.segment_threshold_delete(actor=admin_user, threshold=SegmentThreshold.objects.get(service=service,
                                                                                         segment="Тёплый"))
    assert Lead.objects.get(pk=warm.pk).segment == ""


@pytest.mark.django_db
def test_the_desk_changes_thresholds_through_the_service(admin_user, service, office, client,
                                                        django_capture_on_commit_callbacks):
    """The desk's threshold form emits the re-segmenting event from the service (no post_save signal does)."""
    from legal_crm.leads.models import Lead

    hot = SegmentThresholdFactory(service=service, segment="Горячий", min_score=30)
    scored = LeadFactory(office=office, service=service, score=55, segment="")
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/leads/segmentthreshold/{hot.pk}/change/", {
            "service": service.pk, "segment": "Горячий", "min_score": "50", "color": "#dc2626"})
    assert response.status_code == 302
    assert Lead.objects.get(pk=scored.pk).segment == "Горячий"
    assert AuditLog.objects.filter(action="leads.segment_thresholds", actor=admin_user).exists()

def _question_post(service, kind: str, *, options=(), ranges=()) -> dict:
    data = {"service": service.pk, "order": "1", "text": "Сумма долга?", "hint": "", "kind": kind, "unit": "",
            "text_points": "0", "is_active": "on",
            "options-TOTAL_FORMS": str(len(options)), "options-INITIAL_FORMS": "0", "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
            "ranges-TOTAL_FORMS": str(len(ranges)), "ranges-INITIAL_FORMS": "0", "ranges-MIN_NUM_FORMS": "0",
            "ranges-MAX_NUM_FORMS": "1000"}
    for index, (text, points) in enumerate(options):
        data.update({f"options-{index}-order": str(index), f"options-{index}-text": text,
                     f"options-{index}-points": str(points)})
    for index, (low, high, points) in enumerate(ranges):
        data.update({f"ranges-{index}-min_value": low, f"ranges-{index}-max_value": high,
                     f"ranges-{index}-points": str(points)})
    return data


@pytest.mark.parametrize("kind, options, ranges, message", [
    ("number", (), [("0", "500000", 0), ("300000", "", 40)],
     "Диапазоны [0; 500\u00a0000) и [300\u00a0000; +∞) пересекаются: у числа должен быть один диапазон."),
    ("number", (), [("", "", 5), ("100", "200", 40)], "Диапазоны [−∞; +∞) и [100; 200) пересекаются"),
    ("choice", (), (), "У вопроса с выбором из готовых ответов должен быть хотя бы один ответ."),
    ("number", [("Да", 5)], (), "Готовые ответы задаются только вопросу «Выбор из готовых ответов»"),
    ("text", (), [("0", "10", 1)], "Диапазоны баллов задаются только вопросу «Число»."),
])
def test_the_desk_refuses_a_questionnaire_configuration_that_cannot_work(admin_user, service, kind, options,
                                                                          ranges, message):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin_user)
    response = client.post(reverse("admin:leads_question_add"),
                           data=_question_post(service, kind, options=options, ranges=ranges))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(text="Сумма долга?").exists()


def test_adjacent_ranges_do_not_overlap(admin_user, service):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin_user)
    response = client.post(reverse("admin:leads_question_add"), data=_question_post(
        service, "number", ranges=[("", "300000", 0), ("300000", "500000", 20), ("500000", "", 40)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Question.objects.get(text="Сумма долга?").ranges.count() == 3


@pytest.mark.parametrize("junk", ["1e308", "1e2", "1_000", "١٠٠", "１００"])
def test_number_answers_follow_the_strict_number_rules(junk):
    """The same rules as amounts (core.money): no exponent, no underscores, ASCII digits only."""
    from legal_crm.leads.services.questionnaire import parse_number

    with pytest.raises(ValueError):
        parse_number(junk)
    assert parse_number("1 250 000,5") == Decimal("1250000.50")
