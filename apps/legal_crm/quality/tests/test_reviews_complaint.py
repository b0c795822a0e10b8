"""A review of kind «жалоба» enters the complaint workflow (#14 §6, SPEC 7): the complaints' service files a
Complaint linked to the review — recorded by staff from a call or left by the client on the public page."""

import re

import pytest
from django.urls import reverse

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.models import AuditLog
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.messaging.models import Message
from legal_crm.quality.models import Complaint, Review, ReviewRequestRule
from legal_crm.quality.reviews import request_services, services
from legal_crm.quality.reviews.handlers import on_contract_completed
from legal_crm.quality.services import complaint_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(make_staff):
    return make_staff("lawyer")


@pytest.fixture
def contract(office, lawyer):
    from legal_crm.directory.tests.factories import CounterpartyFactory

    return ContractFactory(office=office, status="in_work", lawyers=[lawyer],
                           client=CounterpartyFactory(phone="+79161110002"))


def test_a_complaint_recorded_from_a_call_is_filed_and_worked_like_any(contract, lawyer, make_staff):
    review = services.review_record(actor=lawyer, contract=contract, kind="complaint", comment="Хамят")
    complaint = review.complaint
    assert complaint is not None and Complaint.objects.get() == complaint
    assert (complaint.contract, complaint.source, complaint.status, complaint.complainant) == (
        contract, "review", "new", str(contract.client))
    assert "Хамят" in complaint.text and complaint.deadline > complaint.created_at.date()
    assert complaint.review == review and review.case_status == "open"
    assert complaint.filed_by is None  # filed by the review (its recorded_by says who took the call)
    assert AuditLog.objects.filter(action="complaint.file", object_id=str(complaint.pk)).exists()
    head = make_staff("office_head")  # the workflow takes it from here
    assert complaint_assign(actor=head, complaint=complaint, responsible=head).status == "in_work"


def test_other_kinds_and_a_leads_complaint_file_none(contract, lawyer, office, make_staff):
    services.review_record(actor=lawyer, contract=contract, kind="score", score=2, comment="Плохо")
    services.review_record(actor=lawyer, contract=contract, kind="no_score", comment="Пока не знаю")
    operator = make_staff("operator")
    lead_review = services.review_record(actor=operator, lead=LeadFactory(office=office), kind="complaint",
                                         comment="Звонят слишком часто")
    assert not Complaint.objects.exists()  # complaints are filed on a contract; the lead's stays a review case
    assert (lead_review.complaint, lead_review.case_status) == (None, "open")


def test_a_complaint_left_on_the_public_page_is_filed(client, contract, admin_user):
    request_services.review_rule_save(actor=admin_user, event=ReviewRequestRule.Event.CONTRACT_COMPLETED,
                                      text="{name}, оцените нас: {review_link}", valid_days=14)
    on_contract_completed(contract_id=contract.pk)
    url = re.search(r"/r/[\w-]+/", Message.objects.get().text).group(0)
    page = client.post(url, {"score": "", "complaint": "on", "comment": "Обещали и не сделали"})
    assert 'data-state="thanks"' in page.content.decode()
    review = Review.objects.get()
    assert (review.kind, review.source, review.complaint.source, review.complaint.filed_by) == (
        "complaint", "link", "review", None)
    assert "Обещали и не сделали" in review.complaint.text


def test_the_desk_links_the_complaint_and_its_review(client, contract, make_staff):
    head = make_staff("office_head")
    review = services.review_record(actor=head, contract=contract, kind="complaint", comment="Потеряли документы")
    client.force_login(head)
    complaint_page = client.get(reverse("admin:quality_complaint_change", args=[review.complaint.pk])).content
    assert reverse("admin:quality_review_change", args=[review.pk]) in complaint_page.decode()
    review_page = client.get(reverse("admin:quality_review_change", args=[review.pk])).content.decode()
    assert reverse("admin:quality_complaint_change", args=[review.complaint.pk]) in review_page
