"""A review's, complaint's and client's page name a related contract only to a reader who may view contracts in
its scope: an operator (no contract access) reads neither its number nor a link to it; an office head does."""

import pytest
from django.urls import reverse

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.quality.models import Complaint
from legal_crm.quality.reviews import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(office, make_staff):
    contract = ContractFactory(office=office, number="МСК-2026-000777")
    head = make_staff("office_head")
    review = services.review_record(actor=head, contract=contract, kind="complaint", score=2,
                                    comment="Юрист не перезванивает")
    return contract, review, head


def _pages(contract, review):
    return {"review": reverse("admin:quality_review_change", args=[review.pk]),
            "client": reverse("admin:directory_counterparty_change", args=[contract.client_id])}


def test_an_operator_reads_no_contract_on_review_and_client_pages(client, operator, reviewed):
    contract, review, _head = reviewed
    assert Complaint.objects.filter(contract=contract).exists()  # the review's complaint names the contract too
    client.force_login(operator)
    for name, url in _pages(contract, review).items():
        page = client.get(url)
        assert page.status_code == 200, name
        assert contract.number not in page.content.decode(), name


def test_a_reader_who_may_view_the_contract_sees_it(client, reviewed):
    contract, review, head = reviewed
    client.force_login(head)
    html = client.get(_pages(contract, review)["review"]).content.decode()
    assert contract.number in html
    listed = client.get(reverse("admin:quality_complaint_changelist")).content.decode()
    assert contract.number in listed


def test_search_by_contract_number_finds_only_what_the_reader_may_see(client, operator, reviewed):
    """The reviews list searched by a contract's number: an operator's search found the review of that contract
    (telling which review it was) though the page never shows the number; an office head's finds it."""
    contract, review, head = reviewed
    url = reverse("admin:quality_review_changelist")
    client.force_login(operator)
    page = client.get(url, {"q": contract.number})
    assert page.status_code == 200
    assert review.pk not in [r.pk for r in page.context["cl"].result_list]
    assert review.pk in [r.pk for r in client.get(url, {"q": "не перезванивает"}).context["cl"].result_list]
    client.force_login(head)
    assert review.pk in [r.pk for r in client.get(url, {"q": contract.number[-6:]}).context["cl"].result_list]
    complaints = client.get(reverse("admin:quality_complaint_changelist"), {"q": contract.number})
    assert contract.number in complaints.content.decode()
