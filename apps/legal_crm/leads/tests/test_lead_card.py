"""The lead card: header, one-click statuses, the questionnaire with its running score, the timeline, planning
the next call."""

import datetime
import json
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legal_crm import hooks
from legal_crm.directory.models import Tag
from legal_crm.leads.models import (
    AssignmentLog,
    LeadContact,
    LeadStatusLog,
    PlannedCall,
    Question,
    RefusalReason,
)

from .factories import AdSourceFactory, LeadFactory, PlannedCallFactory, status
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
    service = ServiceFactory(code="bfl-court", name="Банкротство через суд")
    debt = QuestionFactory(service=service, kind=Question.Kind.NUMBER, text="Сумма долга", unit="₽", order=1)
    NumberRangeFactory(question=debt, min_value=Decimal("500000"), max_value=None, points=40)
    prop = QuestionFactory(service=service, kind=Question.Kind.CHOICE, text="Имущество", order=2)
    AnswerOptionFactory(question=prop, text="Нет имущества", points=15)
    SegmentThresholdFactory(service=service, segment="Горячий", min_score=50)
    SegmentThresholdFactory(service=service, segment="Тёплый", min_score=20)
    return service


@pytest.fixture
def lead(office, service):
    lead = LeadFactory(office=office, service=service, name="Пётр <script>alert(1)</script>", phone="+79167770011",
                       source=AdSourceFactory(code="site", name="Сайт"))
    lead.tags.add(Tag.objects.create(group=Tag.Group.LEAD, name="Горячий клиент"))
    return lead


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(lead):
    return reverse("leads_lead_card", args=[lead.pk])


def test_the_card_shows_the_header_escaped(operator, lead):
    response = _client(operator).get(_url(lead))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Пётр &lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'href="tel:+79167770011"' in html and "+7 916 777-00-11" in html
    for text in ("Новый", "Онлайн-заявка", "Сайт", "Москва", "Горячий клиент", "Сумма долга, ₽", "Имущество"):
        assert text in html
    assert "leads/lead_card.js" in html
    # one-click statuses: plain ones are buttons, refusals ask for a reason
    assert ">В работе</button>" in html
    assert "<summary>Отказ: дорого</summary>" in html and "Не устроила цена" in html


def test_the_lead_page_links_to_the_card(operator, lead):
    html = _client(operator).get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert _url(lead) in html


def test_another_offices_lead_is_not_found_and_a_lawyer_is_refused(make_staff, other_office, lead):
    assert _client(make_staff("operator", offices=[other_office])).get(_url(lead)).status_code == 404
    assert _client(make_staff("lawyer")).get(_url(lead)).status_code == 403


def test_one_click_status_change(operator, lead):
    response = _client(operator).post(_url(lead), {"action": "status", "status": status("in_work").pk})
    assert response.status_code == 302 and response["Location"] == _url(lead)
    lead.refresh_from_db()
    assert lead.status.code == "in_work"
    assert LeadStatusLog.objects.filter(lead=lead, to_status__code="in_work", actor=operator).exists()


def test_a_refusal_needs_its_reason(operator, lead):
    client = _client(operator)
    refusal = status("refusal_expensive")
    response = client.post(_url(lead), {"action": "status", "status": refusal.pk}, follow=True)
    assert "Для статуса «Отказ: дорого» укажите причину отказа." in response.content.decode()
    lead.refresh_from_db()
    assert lead.status.code == "new"
    reason = RefusalReason.objects.get(code="price")
    client.post(_url(lead), {"action": "status", "status": refusal.pk, "reason": reason.pk, "comment": "дорого"})
    lead.refresh_from_db()
    assert lead.status == refusal and lead.refusal_reason == reason


def test_answers_update_the_score_without_reload(operator, lead, service):
    debt, prop = service.questions.order_by("order")
    option = prop.options.get()
    url = reverse("leads_lead_card_answers", args=[lead.pk])
    client = _client(operator)
    response = client.post(url, data=json.dumps({"answers": {str(debt.pk): "1 200 000"}}),
                           content_type="application/json")
    assert response.json() == {"ok": True, "score": 40, "segment": "Тёплый", "service": service.pk}
    response = client.post(url, data=json.dumps({"answers": {str(prop.pk): str(option.pk)}}),
                           content_type="application/json")
    assert response.json()["score"] == 55 and response.json()["segment"] == "Горячий"
    html = client.get(_url(lead)).content.decode()
    assert 'id="lead-score">55<' in html and 'value="1200000"' in html


def test_bad_answers_come_back_on_their_fields(operator, lead, service):
    debt = service.questions.get(kind="number")
    url = reverse("leads_lead_card_answers", args=[lead.pk])
    client = _client(operator)
    response = client.post(url, data=json.dumps({"answers": {str(debt.pk): "сто тысяч"}}),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"] == {f"q{debt.pk}": "Введите число, например 350000 или 12,5."}
    assert client.post(url, data="[1, 2", content_type="application/json").status_code == 400
    assert client.post(url, data=json.dumps({"answers": [1]}), content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405


def test_the_questionnaire_form_works_without_javascript(operator, lead, service):
    debt = service.questions.get(kind="number")
    response = _client(operator).post(_url(lead), {"action": "answers", "service": service.pk,
                                                   f"q{debt.pk}": "800000"}, follow=True)
    assert "Анкета сохранена: 40 баллов." in response.content.decode()


def test_choosing_a_service_shows_its_questionnaire(operator, office, service):
    lead = LeadFactory(office=office)
    client = _client(operator)
    html = client.get(_url(lead)).content.decode()
    assert "Выберите услугу, которая интересует человека" in html
    client.post(_url(lead), {"action": "answers", "service": service.pk, "q999999": "чужой"})
    lead.refresh_from_db()
    assert lead.service == service
    assert "Сумма долга" in client.get(_url(lead)).content.decode()


def test_the_timeline_shows_the_persons_history_newest_first(operator, office, lead):
    earlier = LeadFactory(office=office, phone=lead.phone, status=status("refusal_expensive"), name="Пётр")
    LeadContact.objects.create(lead=earlier, phone=lead.phone, comment="Звонил в прошлом году")
    LeadStatusLog.objects.create(lead=lead, to_status=status("callback"), actor=operator, comment="просил вечером")
    AssignmentLog.objects.create(lead=lead, office=office, assigned_to=operator, reason="manual")
    PlannedCallFactory(lead=lead, due_at=timezone.now() - datetime.timedelta(hours=1))
    html = _client(operator).get(_url(lead)).content.decode()
    for text in ("Заявка: Отказ: дорого", "Звонил в прошлом году", "Статус: Перезвонить", "просил вечером",
                 "Назначен: ", "Просроченный звонок", "других заявок: 1"):
        assert text in html
    # newest first: the contact made just now, then the call that was due an hour ago
    assert html.index("Звонил в прошлом году") < html.index("Просроченный звонок")
    assert reverse("leads_lead_card", args=[earlier.pk]) in html


def test_later_modules_add_timeline_rows_through_hooks(operator, lead, monkeypatch):
    monkeypatch.setattr(hooks, "LEAD_TIMELINE_SOURCES", [
        "legal_crm.leads.tests.test_lead_card.contracts_rows"], raising=False)
    html = _client(operator).get(_url(lead)).content.decode()
    assert "Договор №Д-1 &lt;подписан&gt;" in html and "Платёж по графику" in html


def contracts_rows(lead, lead_ids, user, client_ids=()):
    return [{"at": timezone.now(), "kind": "contract", "title": "Договор №Д-1 <подписан>", "text": "150 000,00 ₽"},
            {"at": timezone.localdate(), "kind": "payment", "title": "Платёж по графику"}]


def test_the_card_costs_the_same_queries_for_a_short_and_a_long_history(operator, office, lead):
    client = _client(operator)
    client.get(_url(lead))
    with CaptureQueriesContext(connection) as short:
        client.get(_url(lead))
    for index in range(12):
        other = LeadFactory(office=office, phone=lead.phone)
        LeadContact.objects.create(lead=other, phone=lead.phone, comment=f"обращение {index}")
        LeadStatusLog.objects.create(lead=other, to_status=status("in_work"), actor=operator)
        PlannedCallFactory(lead=other, assignee=operator)
        AssignmentLog.objects.create(lead=other, office=office, assigned_to=operator)
    with CaptureQueriesContext(connection) as long:
        assert client.get(_url(lead)).status_code == 200
    assert len(long.captured_queries) == len(short.captured_queries)


def test_planning_the_next_call_in_the_offices_time_zone(make_staff, other_office, service):
    lead = LeadFactory(office=other_office, service=service)  # Novosibirsk, UTC+7
    operator = make_staff("operator", offices=[other_office])
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).astimezone(zoneinfo.ZoneInfo("Asia/Novosibirsk")).date()
    response = _client(operator).post(_url(lead), {"action": "call", "due_date": tomorrow.isoformat(),
                                                   "due_time": "10:30", "comment": "после обеда"}, follow=True)
    call = PlannedCall.objects.get(lead=lead)
    expected = datetime.datetime.combine(tomorrow, datetime.time(10, 30), tzinfo=zoneinfo.ZoneInfo("Asia/Novosibirsk"))
    assert call.due_at == expected and call.due_at.astimezone(datetime.UTC).hour == 3
    assert call.assignee == operator and call.comment == "после обеда"
    html = response.content.decode()
    assert f"{tomorrow:%d.%m.%Y} 10:30" in html  # shown in the office's time


def test_bad_call_times_are_refused(operator, lead):
    client = _client(operator)
    response = client.post(_url(lead), {"action": "call", "due_date": "завтра", "due_time": "10"}, follow=True)
    assert "Укажите дату и время звонка." in response.content.decode()
    response = client.post(_url(lead), {"action": "call", "due_date": "2020-01-01", "due_time": "10:00"}, follow=True)
    assert "Время звонка уже прошло." in response.content.decode()
    assert not PlannedCall.objects.exists()


@pytest.mark.parametrize(("post", "message"), [
    ({"action": "status", "status": "x"}, "Выберите статус."),
    ({"action": "status"}, "Выберите статус."),
    ({"action": "status", "status": "STATUS", "reason": "999999"}, "Выберите причину отказа из списка."),
    ({"action": "status", "status": "STATUS", "comment": "я" * 501}, "не более 500 символов"),
    ({"action": "call", "due_date": "2026-13-40", "due_time": "25:00"}, "Укажите дату и время звонка."),
    ({"action": "call_done", "call": "999999", "result": "reached"}, "Звонок не найден."),
    ({"action": "call_done", "call": "CALL", "result": "maybe"}, "Выберите результат звонка."),
    ({"action": "enroll"}, "Выберите скрипт."),
    ({"action": "answers", "service": "abc"}, "Выберите услугу."),
    ({}, "Неизвестное действие."),
])
def test_the_cards_forms_answer_bad_input_with_their_russian_errors(operator, lead, post, message):
    """Every action's POST is parsed by a form: nonsense is named in Russian on the card, nothing changes."""
    call = PlannedCallFactory(lead=lead, assignee=operator)
    post = {k: {"STATUS": str(status("in_work").pk), "CALL": str(call.pk)}.get(v, v) for k, v in post.items()}
    response = _client(operator).post(_url(lead), post, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    lead.refresh_from_db()
    call.refresh_from_db()
    assert lead.status.code == "new" and call.done_at is None and not LeadStatusLog.objects.filter(lead=lead).exists()


def test_marking_a_planned_call_done(operator, lead):
    call = PlannedCallFactory(lead=lead, assignee=operator)
    _client(operator).post(_url(lead), {"action": "call_done", "call": call.pk, "result": "reached"})
    call.refresh_from_db()
    assert call.result == "reached" and call.done_at is not None


def test_the_contract_link_appears_only_when_contracts_provide_it(make_staff, lead, monkeypatch):
    from legal_crm.leads.selectors import card as selectors_card

    sales = make_staff("sales")
    html = _client(sales).get(_url(lead)).content.decode()
    expected = selectors_card.contract_url(lead, sales)
    if expected:
        assert expected in html and "Оформить договор" in html
    else:
        assert "Оформить договор" not in html
    monkeypatch.setattr(selectors_card, "contract_url",
                        lambda lead, user: f"/admin/contracts/contract/from-lead/{lead.pk}/")
    html = _client(sales).get(_url(lead)).content.decode()
    assert f"/admin/contracts/contract/from-lead/{lead.pk}/" in html


def test_the_contract_button_is_only_for_those_who_may_add_contracts(operator, make_staff, lead):
    from legal_crm.leads.selectors import card as selectors_card

    assert not operator.has_perm("contracts.add_contract")
    assert selectors_card.contract_url(lead, operator) is None
    assert "Оформить договор" not in _client(operator).get(_url(lead)).content.decode()
    sales = make_staff("sales")
    assert sales.has_perm("contracts.add_contract")
    url = selectors_card.contract_url(lead, sales)
    assert url == reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    html = _client(sales).get(_url(lead)).content.decode()
    assert f'href="{url}"' in html and "Оформить договор" in html


def test_script_names_never_become_script_sources(operator, lead):
    """The list of scripts to enroll in must not take the place of unfold's own `scripts` (its <script src>)."""
    import re

    from .factories_scripts import make_script

    make_script("call", "reached", name="Возврат отказников")
    html = _client(operator).get(_url(lead)).content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]*)"', html)
    assert sources and "Возврат отказников" not in sources
    assert all(src.startswith(("/", "http")) for src in sources)
    assert '<option value="' in html and ">Возврат отказников</option>" in html


def test_unknown_actions_are_reported(operator, lead):
    response = _client(operator).post(_url(lead), {"action": "drop_table"}, follow=True)
    assert "Неизвестное действие." in response.content.decode()


def test_an_operator_puts_the_lead_into_a_script_from_the_card(operator, lead):
    from legal_crm.leads.models import ScriptEnrollment

    from .factories_scripts import make_script

    script, steps = make_script("call", "reached", name="Ручной обзвон")
    client = _client(operator)
    response = client.post(_url(lead), {"action": "enroll", "script": script.pk}, follow=True)
    assert "Лид добавлен в скрипт «Ручной обзвон»." in response.content.decode()
    card = ScriptEnrollment.objects.get(lead=lead)
    assert card.step == steps[0] and card.trigger == "manual"
    html = client.get(_url(lead)).content.decode()
    assert reverse("admin:leads_script_board", args=[script.pk]) in html and "Скрипт «Ручной обзвон»" in html
    again = client.post(_url(lead), {"action": "enroll", "script": script.pk}, follow=True)
    assert "Лид уже в скрипте «Ручной обзвон»." in again.content.decode()
    assert client.post(_url(lead), {"action": "enroll", "script": "x"}, follow=True).status_code == 200
    assert ScriptEnrollment.objects.count() == 1


def test_the_form_without_javascript_names_the_wrong_answers(operator, lead, service):
    debt = service.questions.get(kind="number")
    response = _client(operator).post(_url(lead), {"action": "answers", f"q{debt.pk}": "много"}, follow=True)
    assert "Проверьте ответы анкеты. Введите число, например 350000 или 12,5." in response.content.decode()


def test_a_call_is_given_only_to_staff_of_the_leads_office(operator, lead, make_staff, other_office):
    from legal_crm.core.errors import DomainError
    from legal_crm.leads import selectors
    from legal_crm.leads.services import planned_call_create

    stranger = make_staff("operator", offices=[other_office])
    due = timezone.now() + datetime.timedelta(hours=2)
    with pytest.raises(DomainError) as err:
        planned_call_create(actor=operator, lead=lead, due_at=due, assignee=stranger)
    assert err.value.code == "assignee_not_in_office" and "assignee" in err.value.fields
    colleague = make_staff("sales")
    assert planned_call_create(actor=operator, lead=lead, due_at=due, assignee=colleague).assignee == colleague
    choices = set(selectors.assignee_choices(operator))
    assert colleague in choices and operator in choices and stranger not in choices


def test_the_card_shows_what_operators_need_to_know_about_the_source(operator, office):
    source = AdSourceFactory(code="site-x", name="Сайт X", operator_info="Обещана бесплатная консультация <b>")
    lead = LeadFactory(office=office, source=source)
    html = _client(operator).get(_url(lead)).content.decode()
    assert "Обещана бесплатная консультация &lt;b&gt;" in html


def test_an_operator_is_not_offered_to_take_a_lead_out_of_spam(operator, make_staff, office):
    lead = LeadFactory(office=office, status=status("spam"), is_spam=True)
    assert not operator.has_perm("leads.restore_spam")
    from legal_crm.leads.selectors import card as selectors_card

    assert selectors_card.status_choices(lead, operator) == []
    assert [c["status"].code for c in selectors_card.status_choices(lead, make_staff("office_head"))] == ["new"]

def test_the_saved_message_uses_russian_plurals_and_claims_no_points_without_answers(operator, lead, service):
    prop = service.questions.get(kind="choice")
    option = prop.options.get()
    client = _client(operator)
    for points, text in ((1, "Анкета сохранена: 1 балл."), (3, "Анкета сохранена: 3 балла."),
                         (21, "Анкета сохранена: 21 балл."), (11, "Анкета сохранена: 11 баллов.")):
        option.points = points
        option.save()
        response = client.post(_url(lead), {"action": "answers", f"q{prop.pk}": str(option.pk)}, follow=True)
        assert text in response.content.decode()
    response = client.post(_url(lead), {"action": "answers", f"q{prop.pk}": ""}, follow=True)
    html = response.content.decode()
    assert "Анкета сохранена. Баллов нет: ни на один вопрос анкеты нет ответа." in html
    assert "0 баллов" not in html


def test_choosing_another_service_with_answers_in_one_submit_keeps_them_and_says_what_to_do(operator, lead,
                                                                                               service):
    from legal_crm.leads.models import LeadAnswer

    from .factories_scripts import QuestionFactory, ServiceFactory

    other = ServiceFactory(code="debt-restructuring", name="Реструктуризация долгов")
    QuestionFactory(service=other, kind=Question.Kind.TEXT, text="Где прописан?")
    debt = service.questions.get(kind="number")
    response = _client(operator).post(_url(lead), {"action": "answers", "service": other.pk,
                                                   f"q{debt.pk}": "800000"}, follow=True)
    html = response.content.decode()
    assert "Выбрана услуга «Реструктуризация долгов». Теперь показаны вопросы её анкеты" in html
    assert "Ответы на вопросы услуги «Банкротство через суд» сохранены." in html
    assert "Анкета сохранена" not in html and "Где прописан?" in html
    lead.refresh_from_db()
    assert lead.service == other and lead.score is None
    assert LeadAnswer.objects.get(lead=lead, question=debt).points == 40  # the typed answer is not lost


def test_a_spam_lead_offers_no_contract(make_staff, lead):
    """The conversion refuses a spam lead until it is restored, so its card does not offer the button."""
    from legal_crm.leads.selectors import card as selectors_card

    sales = make_staff("sales")
    lead.is_spam = True
    lead.save(update_fields=["is_spam"])
    assert selectors_card.contract_url(lead, sales) is None
    assert "Оформить договор" not in _client(sales).get(_url(lead)).content.decode()


def test_a_scripts_name_links_to_its_board_only_for_who_may_open_it(operator, make_staff, lead):
    """A marketer reads the card but not the scripts' boards: the script is named without a link (it led to «Нет
    доступа»); the operator gets the link and the board opens."""
    from legal_crm.leads.scripts import services as script_services

    from .factories_scripts import make_script

    script, _steps = make_script("call", name="Возврат отказников")
    script_services.lead_enroll(actor=None, lead=lead, script=script)
    board = reverse("admin:leads_script_board", args=[script.pk])
    marketer = _client(make_staff("marketer"))
    page = marketer.get(_url(lead)).content.decode()
    assert "Возврат отказников" in page and board not in page
    assert marketer.get(board).status_code == 403
    ops = _client(operator)
    assert board in ops.get(_url(lead)).content.decode() and ops.get(board).status_code == 200


def test_a_refused_questionnaire_comes_back_as_typed_with_each_refusal_on_its_answer(operator, lead, service):
    """The form without JavaScript: one wrong answer refuses the whole submit (nothing saved), and the page after the
    redirect shows every answer as typed with the refusal under the wrong one — once; a reload shows the saved
    answers again."""
    debt = service.questions.get(kind="number")
    prop = service.questions.get(kind="choice")
    option = prop.options.get()
    client = _client(operator)
    page = client.post(_url(lead), {"action": "answers", "service": service.pk, f"q{debt.pk}": "сто тысяч",
                                    f"q{prop.pk}": str(option.pk)}, follow=True).content.decode()
    assert 'value="сто тысяч"' in page
    assert f'<option value="{option.pk}" selected>' in page
    assert f'data-error-for="q{debt.pk}">Введите число, например 350000 или 12,5.</div>' in page
    again = client.get(_url(lead)).content.decode()
    assert 'value="сто тысяч"' not in again and f'data-error-for="q{debt.pk}"></div>' in again
