"""In a real browser: dragging a card on the call-script board with the mouse, and working the lead card."""

from decimal import Decimal

import pytest

from legal_crm.leads.models import Question, ScriptEnrollment, ScriptMove
from legal_crm.leads.reference import load_reference_data
from legal_crm.org.tests.factories import OfficeFactory

from .factories import LeadFactory, status
from .factories_scripts import (
    AnswerOptionFactory,
    NumberRangeFactory,
    QuestionFactory,
    SegmentThresholdFactory,
    ServiceFactory,
    enroll,
    make_script,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reference(db):
    """The shipped statuses and types (a transactional test starts from empty tables)."""
    load_reference_data()


@pytest.fixture
def desk_viewport():
    return {"width": 1920, "height": 1080}  # the board's columns side by side


def test_dragging_a_card_to_another_column_moves_it_for_good(reference, make_staff, office, live_server, page_as):
    operator = make_staff("operator")
    script, steps = make_script("call", "sms", ("wait", 3), "reached", "handover", "refuse", name="Онлайн-заявки")
    lead = LeadFactory(office=office, name="Анна Кузнецова")
    card = enroll(lead, steps[0])
    enroll(LeadFactory(office=office, name="Борис Орлов"), steps[0])
    page = page_as(operator)
    page.goto(f"{live_server.url}/admin/leads/script/{script.pk}/board/")
    assert page.locator(f'[data-count="{steps[0].pk}"]').inner_text() == "2"
    assert page.locator('[data-total="handed_over"]').inner_text() == "0"

    source = page.locator(f'[data-card="{card.pk}"]')
    target = page.locator(f'section[data-step="{steps[4].pk}"] .sb-cards')
    with page.expect_response(lambda r: "/board/move/" in r.url) as response_info:
        source.drag_to(target)
    assert response_info.value.status == 200
    # the card stays where it was dropped and the counters follow
    page.wait_for_selector(f'section[data-step="{steps[4].pk}"] [data-card="{card.pk}"][data-moved="1"]')
    assert page.locator(f'[data-count="{steps[0].pk}"]').inner_text() == "1"
    assert page.locator(f'[data-count="{steps[4].pk}"]').inner_text() == "1"
    assert page.locator('[data-total="handed_over"]').inner_text() == "1"

    page.reload()
    assert page.locator(f'section[data-step="{steps[4].pk}"] [data-card="{card.pk}"]').count() == 1
    assert page.locator(f'section[data-step="{steps[0].pk}"] [data-card="{card.pk}"]').count() == 0
    card.refresh_from_db()
    assert card.step == steps[4] and card.state == ScriptEnrollment.State.HANDED_OVER
    move = ScriptMove.objects.get(enrollment=card)
    assert (move.from_step, move.to_step, move.actor, move.reason) == (steps[0], steps[4], operator, "manual")


def test_dragging_with_the_mouse_by_hand_and_a_refused_move_returns_the_card(reference, make_staff, office,
                                                                             live_server, page_as):
    operator = make_staff("operator")
    script, steps = make_script("call", "reached", name="Повторные звонки")
    card = enroll(LeadFactory(office=office, name="Вера Лебедева"), steps[0])
    page = page_as(operator)
    page.goto(f"{live_server.url}/admin/leads/script/{script.pk}/board/")

    def drag(card_selector, column_selector):
        box = page.locator(card_selector).bounding_box()
        goal = page.locator(column_selector).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
        page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=12)
        page.mouse.up()

    with page.expect_response(lambda r: "/board/move/" in r.url):
        drag(f'[data-card="{card.pk}"]', f'section[data-step="{steps[1].pk}"] .sb-cards')
    page.wait_for_selector(f'section[data-step="{steps[1].pk}"] [data-card="{card.pk}"][data-moved="1"]')
    assert page.locator('[data-total="reached"]').inner_text() == "1"
    card.refresh_from_db()
    assert card.step == steps[1]

    # meanwhile the lead went to another office: the server refuses, the card goes back, the reason is shown
    card.lead.office = OfficeFactory(name="Казань", code="kzn", city="Казань")
    card.lead.save()
    with page.expect_response(lambda r: "/board/move/" in r.url) as refused:
        drag(f'[data-card="{card.pk}"]', f'section[data-step="{steps[0].pk}"] .sb-cards')
    assert refused.value.status == 404
    page.wait_for_selector("#sb-error.sb-shown")
    assert page.locator(f'section[data-step="{steps[1].pk}"] [data-card="{card.pk}"]').count() == 1
    card.refresh_from_db()
    assert card.step == steps[1] and ScriptMove.objects.filter(enrollment=card).count() == 1


def test_the_lead_card_questionnaire_scores_as_you_answer_and_a_refusal_asks_why(reference, make_staff, office,
                                                                                  live_server, page_as):
    operator = make_staff("operator")
    service = ServiceFactory(code="bfl-court", name="Банкротство через суд")
    debt = QuestionFactory(service=service, kind=Question.Kind.NUMBER, text="Сумма долга", order=1)
    NumberRangeFactory(question=debt, min_value=Decimal("500000"), max_value=None, points=40)
    prop = QuestionFactory(service=service, kind=Question.Kind.CHOICE, text="Имущество", order=2)
    none = AnswerOptionFactory(question=prop, text="Нет имущества", points=15)
    SegmentThresholdFactory(service=service, segment="Горячий", min_score=50)
    SegmentThresholdFactory(service=service, segment="Тёплый", min_score=20)
    lead = LeadFactory(office=office, service=service, name="Григорий Соколов", status=status("in_work"))
    page = page_as(operator)
    page.goto(f"{live_server.url}/admin/leads/lead/{lead.pk}/card/")
    assert page.locator("#lead-score").inner_text() == "0"

    with page.expect_response(lambda r: "/card/answers/" in r.url):
        page.fill(f"#q{debt.pk}", "1 500 000")
    page.wait_for_function("document.getElementById('lead-score').textContent === '40'")
    assert page.locator("#lead-segment").inner_text() == "Тёплый"
    with page.expect_response(lambda r: "/card/answers/" in r.url):
        page.select_option(f"#q{prop.pk}", str(none.pk))
    page.wait_for_function("document.getElementById('lead-score').textContent === '55'")
    assert page.locator("#lead-segment").inner_text() == "Горячий"

    # a wrong number is shown on its field and changes nothing
    with page.expect_response(lambda r: "/card/answers/" in r.url):
        page.fill(f"#q{debt.pk}", "много")
    page.wait_for_selector(f'[data-error-for="q{debt.pk}"]:has-text("Введите число")')
    lead.refresh_from_db()
    assert lead.score == 55 and lead.segment == "Горячий"

    page.reload()
    assert page.locator("#lead-score").inner_text() == "55"

    # refusal: the reason is asked for before the status changes
    page.click("summary:has-text('Отказ: дорого')")
    page.select_option("details[open] select[name=reason]", label="Не устроила цена")
    page.fill("details[open] input[name=comment]", "Нашёл дешевле")
    page.click("details[open] button[type=submit]")
    page.wait_for_selector("#lead-status:has-text('Отказ: дорого')")
    lead.refresh_from_db()
    assert lead.status.code == "refusal_expensive" and lead.refusal_reason.code == "price"
    assert "Нашёл дешевле" in page.content()


def test_a_refused_answer_keeps_its_error_while_other_answers_save(reference, make_staff, office, live_server,
                                                                   page_as):
    operator = make_staff("operator")
    service = ServiceFactory(code="bfl-court", name="Банкротство через суд")
    debt = QuestionFactory(service=service, kind=Question.Kind.NUMBER, text="Сумма долга", order=1)
    NumberRangeFactory(question=debt, min_value=Decimal("500000"), max_value=None, points=40)
    prop = QuestionFactory(service=service, kind=Question.Kind.CHOICE, text="Имущество", order=2)
    none = AnswerOptionFactory(question=prop, text="Нет имущества", points=15)
    lead = LeadFactory(office=office, service=service, name="Дарья Волкова", status=status("in_work"))
    page = page_as(operator)
    page.goto(f"{live_server.url}/admin/leads/lead/{lead.pk}/card/")
    error = page.locator(f'[data-error-for="q{debt.pk}"]')
    indicator = page.locator("#lc-q-state")

    with page.expect_response(lambda r: "/card/answers/" in r.url) as refused:
        page.fill(f"#q{debt.pk}", "абв")
    assert refused.value.status == 400
    page.wait_for_selector(f'[data-error-for="q{debt.pk}"]:has-text("Введите число")')
    assert indicator.get_attribute("data-state") == "error"

    # another answer saves: the refused one keeps its error and the indicator does not claim everything is saved
    with page.expect_response(lambda r: "/card/answers/" in r.url) as saved:
        page.select_option(f"#q{prop.pk}", str(none.pk))
    assert saved.value.status == 200
    page.wait_for_function("document.getElementById('lead-score').textContent === '15'")
    assert "Введите число" in error.inner_text()
    assert indicator.get_attribute("data-state") == "error"
    assert "✓" not in indicator.inner_text() and "Не сохранено ответов: 1" in indicator.inner_text()
    assert page.locator(f"#q{debt.pk}").get_attribute("aria-invalid") == "true"
    page.screenshot(path="/tmp/f17_questionnaire_error_kept.png", full_page=True)

    # typing is not saving: no ✓ before the answer is stored
    page.fill(f"#q{debt.pk}", "600000")
    assert indicator.get_attribute("data-state") == "saving"
    page.wait_for_selector("#lc-q-state[data-state=saved]")
    assert error.inner_text() == ""
    assert page.locator("#lead-score").inner_text() == "55"
    lead.refresh_from_db()
    assert lead.score == 55
