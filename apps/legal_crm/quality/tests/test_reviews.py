"""Reviews (#14 §6): categories, the one-time link (works once, expires, a friendly page and nothing recorded
otherwise), the request after a chosen event, a negative review's task and notification, its case, the portal."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.messaging.models import Message, Notification
from legal_crm.quality.models import Review, ReviewRequest, ReviewRequestRule
from legal_crm.quality.reviews import request_services, services
from legal_crm.quality.reviews.handlers import on_contract_completed, on_stage_finished
from legal_crm.todos.models import Task

pytestmark = pytest.mark.django_db
TEXT = "{name}, оцените, пожалуйста, нашу работу: {review_link}"


@pytest.fixture
def lawyer(make_staff):
    return make_staff("lawyer")


@pytest.fixture
def contract(office, lawyer):
    from legal_crm.directory.tests.factories import CounterpartyFactory

    return ContractFactory(office=office, status="in_work", lawyers=[lawyer],
                           client=CounterpartyFactory(name="Петрова Анна Сергеевна", phone="+79161110001"))


@pytest.fixture
def rule(admin_user):
    return request_services.review_rule_save(actor=admin_user, event=ReviewRequestRule.Event.CONTRACT_COMPLETED,
                                             text=TEXT, valid_days=14)


def _link_of(message: Message) -> str:
    return re.search(r"/r/[\w-]+/", message.text).group(0)


@pytest.mark.parametrize(("kind", "score", "category"), [
    ("score", 0, "critic"), ("score", 6, "critic"), ("score", 7, "neutral"), ("score", 8, "neutral"),
    ("score", 9, "promoter"), ("score", 10, "promoter"), ("complaint", None, "complaint"),
    ("complaint", 10, "complaint"), ("no_score", None, "no_score")])
def test_category_follows_domain_nps(kind, score, category):
    assert services.category_for(kind, score) == category


def test_completed_contract_sends_a_one_time_link_once(contract, rule, django_capture_on_commit_callbacks):
    on_contract_completed(contract_id=contract.pk)
    on_contract_completed(contract_id=contract.pk)  # a retried delivery sends nothing twice
    message = Message.objects.get(subject_type="quality.reviewrequest")
    request = ReviewRequest.objects.get()
    assert message.is_secret and message.to == contract.client.phone
    assert message.text.startswith(f"{contract.client.name}, оцените")
    token = _link_of(message).split("/")[2]
    assert token not in request.token_hash  # only its hash is stored
    assert request.expires_at > timezone.now() + datetime.timedelta(days=13)


def test_an_event_without_its_rule_asks_nothing(contract, rule):
    on_stage_finished(contract_id=contract.pk, stage_id=1)
    assert not ReviewRequest.objects.exists() and not Message.objects.exists()


def test_a_client_leaves_a_4_and_the_responsible_lawyer_gets_a_task(client, contract, rule, lawyer, make_staff,
                                                                    admin_user, django_capture_on_commit_callbacks):
    head = make_staff("office_head")
    on_contract_completed(contract_id=contract.pk)
    url = _link_of(Message.objects.get())
    page = client.get(url)
    assert page.status_code == 200 and 'data-state="ok"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"score": "4", "comment": "Юрист не перезванивал"})
    assert 'data-state="thanks"' in answer.content.decode()
    review = Review.objects.get()
    assert (review.score, review.category, review.case_status, review.source) == (4, "critic", "open", "link")
    assert (review.contract, review.office, review.responsible, review.client) == (
        contract, contract.office, lawyer, contract.client)
    task = Task.objects.get(record_type="quality.review", record_id=str(review.pk))
    assert task.assignee == lawyer and task.status == Task.Status.NEW
    told = set(Notification.objects.filter(kind="quality.review_negative").values_list("user_id", flat=True))
    assert told == {lawyer.pk, head.pk, admin_user.pk}  # the lawyer and whoever analyses reviews in the office

    again = client.post(url, {"score": "10"})  # the link works once: a friendly page, nothing recorded
    assert again.status_code == 200 and 'id="review-used"' in again.content.decode()
    assert Review.objects.count() == 1 and Task.objects.filter(record_type="quality.review").count() == 1


def test_an_expired_link_records_nothing(client, contract, rule):
    on_contract_completed(contract_id=contract.pk)
    url = _link_of(Message.objects.get())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        page = client.post(url, {"score": "9"})
    assert 'id="review-expired"' in page.content.decode() and not Review.objects.exists()
    assert client.get("/r/not-a-token/").status_code == 404


def test_bad_input_on_the_public_page_keeps_the_link(client, contract, rule):
    on_contract_completed(contract_id=contract.pk)
    url = _link_of(Message.objects.get())
    empty = client.post(url, {"score": ""})  # no score and no words
    assert empty.status_code == 400 and not Review.objects.exists()
    assert client.post(url, {"score": "", "complaint": "on", "comment": "Обещали и не сделали"}).status_code == 200
    review = Review.objects.get()
    assert (review.kind, review.score, review.category) == ("complaint", None, "complaint")


def test_a_promoter_opens_no_case_and_no_task(contract, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_from_portal(contract=contract, score=10, comment="Спасибо")
    assert review.case_status == "" and not Task.objects.exists()


def test_an_administrators_rule_sets_the_negative_reviews_task(contract, lawyer, django_capture_on_commit_callbacks):
    from legal_crm.todos.tests.factories import TaskRuleFactory

    TaskRuleFactory(trigger="review_negative", title="Перезвонить недовольному клиенту", role="responsible", days=0)
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_from_portal(contract=contract, score=3)
    task = Task.objects.get(record_type="quality.review", record_id=str(review.pk))
    assert (task.title, task.assignee) == ("Перезвонить недовольному клиенту", lawyer)


def test_staff_record_a_review_from_a_call_in_their_offices_only(contract, lawyer, other_office, make_staff):
    review = services.review_record(actor=lawyer, contract=contract, kind="score", score=8, comment="Нормально")
    assert (review.source, review.category, review.recorded_by) == ("call", "neutral", lawyer)
    foreign = ContractFactory(office=other_office, status="in_work")
    with pytest.raises(DomainError) as refused:
        services.review_record(actor=lawyer, contract=foreign, kind="score", score=8)
    assert refused.value.code == "access_denied"
    with pytest.raises(DomainError) as no_score:
        services.review_record(actor=lawyer, contract=contract, kind="score", score=None)
    assert "score" in no_score.value.fields
    with pytest.raises(DomainError):
        services.review_record(actor=make_staff("finance"), contract=contract, kind="score", score=5)


def test_the_case_records_analysis_and_outcome(contract, lawyer, make_staff):
    review = services.review_from_portal(contract=contract, score=2, comment="Ничего не сделали")
    with pytest.raises(DomainError) as empty:
        services.review_analyse(actor=lawyer, review=review, analysis="", outcome="", close=True)
    assert set(empty.value.fields) == {"analysis", "outcome"}
    with pytest.raises(DomainError):
        services.review_analyse(actor=make_staff("sales"), review=review, analysis="x" * 20, outcome="y" * 20)
    head = make_staff("office_head")
    services.review_analyse(actor=lawyer, review=review, analysis="Юрист был в отпуске", outcome="")
    review = services.review_analyse(actor=head, review=review, analysis="Юрист был в отпуске, замену не дали",
                                     outcome="Назначен второй юрист, клиенту перезвонили", close=True)
    assert (review.case_status, review.analysed_by) == ("closed", head)
    with pytest.raises(DomainError) as closed:
        services.review_analyse(actor=head, review=review, analysis="ещё раз", outcome="ещё раз")
    assert closed.value.code == "case_closed"
    promoter = services.review_from_portal(contract=contract, score=10)
    with pytest.raises(DomainError) as positive:
        services.review_analyse(actor=head, review=promoter, analysis="x" * 20, outcome="y" * 20, close=True)
    assert positive.value.code == "not_negative"


def test_a_rule_without_the_link_or_with_an_unknown_tag_is_refused(admin_user, make_staff):
    for text, field in (("Оцените нас", "text"), ("{nmae}, оцените: {review_link}", "text")):
        with pytest.raises(DomainError) as refused:
            request_services.review_rule_save(actor=admin_user, event="stage_finished", text=text, valid_days=7)
        assert field in refused.value.fields
    with pytest.raises(DomainError) as days:
        request_services.review_rule_save(actor=admin_user, event="stage_finished", text=TEXT, valid_days=0)
    assert "valid_days" in days.value.fields
    with pytest.raises(DomainError):
        request_services.review_rule_save(actor=make_staff("lawyer"), event="stage_finished", text=TEXT, valid_days=7)


def test_stage_finished_asks_once_per_stage(contract, admin_user):
    request_services.review_rule_save(actor=admin_user, event="stage_finished", text=TEXT, valid_days=7)
    on_stage_finished(contract_id=contract.pk, stage_id=11)
    on_stage_finished(contract_id=contract.pk, stage_id=11)
    on_stage_finished(contract_id=contract.pk, stage_id=12)
    assert ReviewRequest.objects.count() == 2 == Message.objects.count()


def test_the_public_page_needs_no_sign_in_and_leaks_nothing(client, contract, rule):
    on_contract_completed(contract_id=contract.pk)
    body = client.get(_link_of(Message.objects.get())).content.decode()
    assert contract.number not in body and contract.client.name not in body
    assert reverse("admin:index") not in body


def test_a_review_from_a_leads_call_shows_on_the_lead_card(make_staff, office):
    from legal_crm.leads.tests.factories import LeadFactory
    from legal_crm.quality.reviews.timeline import lead_timeline

    head = make_staff("office_head")
    lead = LeadFactory(office=office, assigned_to=make_staff("operator"))
    review = services.review_record(actor=head, lead=lead, kind="score", score=5, comment="Долго не перезванивали")
    assert (review.office, review.responsible, review.contract) == (office, lead.assigned_to, None)
    rows = lead_timeline(lead, [lead.pk], head)
    assert [(r["kind"], r["title"]) for r in rows] == [("review", "Отзыв: Критик · 5")]
