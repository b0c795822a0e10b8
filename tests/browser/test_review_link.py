"""Issue 14 §6, done when: a client leaves a 4 through the review link and the responsible staff get a task.

The contract is completed by its lawyer; the administrator's rule for «Договор исполнен» sends the client an SMS
with a one-time link; on a 360×740 phone screen the client opens it (no sign-in), scores 4 and writes a comment;
the lawyer gets the task and the notification; the link opened again says the review is already in."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_leaves_a_4_through_the_link_and_the_lawyer_gets_a_task(browser, live_server, office, make_staff,
                                                                        admin_user):
    from legal_crm.contracts.services.contracts import contract_complete
    from legal_crm.contracts.tests.factories import ContractFactory
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.messaging.models import Message, Notification
    from legal_crm.quality.models import Review
    from legal_crm.quality.reviews.request_services import review_rule_save
    from legal_crm.todos.models import Task

    lawyer = make_staff("lawyer")
    client = CounterpartyFactory(name="Петрова Анна Сергеевна", phone="+79161110001")
    contract = ContractFactory(office=office, client=client, status="in_work", lawyers=[lawyer])
    review_rule_save(actor=admin_user, event="contract_completed", valid_days=14,
                     text="{first_name}, договор исполнен. Оцените нашу работу: {review_link}")
    contract_complete(actor=lawyer, contract=contract)

    sms = Message.objects.get(to=client.phone, subject_type="quality.reviewrequest")
    path = re.search(r"/r/[\w-]+/", sms.text).group(0)
    context = browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # fits the phone
    page.locator("label[data-score='4']").click()
    page.get_by_label("Что понравилось или что нам исправить").fill("Долго ждала ответа юриста")
    page.get_by_role("button", name="Отправить отзыв").click()
    page.wait_for_selector("#review-thanks")

    review = Review.objects.get(contract=contract)
    assert (review.score, review.category, review.responsible, review.comment) == (
        4, "critic", lawyer, "Долго ждала ответа юриста")
    task = Task.objects.get(record_type="quality.review", record_id=str(review.pk))
    assert task.assignee == lawyer and task.office == office
    assert Notification.objects.filter(user=lawyer, kind="quality.review_negative").exists()

    page.goto(live_server.url + path)  # the link works once
    page.wait_for_selector("#review-used")
    assert Review.objects.count() == 1
    context.close()
