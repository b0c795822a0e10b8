"""Reviews on «Мой день»: the office head's NPS of the month and the cases waiting; the lawyer's own cases. And the
demo seeder (idempotent)."""

import pytest
from django.urls import reverse

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.quality.models import Review, ReviewRequestRule
from legal_crm.quality.reviews import demo, services

pytestmark = pytest.mark.django_db


def _blocks(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {block["key"]: block for block in response.context["home_blocks"]}


def test_head_sees_the_months_nps_and_the_lawyer_their_case(client, office, make_staff):
    head, lawyer, other = make_staff("office_head"), make_staff("lawyer"), make_staff("lawyer")
    contract = ContractFactory(office=office, lawyers=[lawyer])
    for score in (10, 9, 2):
        services.review_from_portal(contract=contract, score=score, comment="Отзыв")
    blocks = _blocks(client, head)
    assert [f["value"] for f in blocks["quality-nps"]["figures"]] == ["+33", 1]
    assert blocks["quality-nps"]["figures"][0]["label"] == "NPS за месяц (3 оценки)"
    assert len(blocks["quality-reviews"]["rows"]) == 1
    assert "quality-nps" not in _blocks(client, lawyer) and "quality-reviews" in _blocks(client, lawyer)
    assert "quality-reviews" not in _blocks(client, other)  # not about them


def test_demo_seeds_reviews_once(make_staff, office, admin_user):
    from legal_crm.core.models import User

    User.objects.filter(pk=admin_user.pk).update(username="admin")
    for _n in range(6):
        ContractFactory(office=office, lawyers=[make_staff("lawyer")])
    first = demo.seed()
    assert first == demo.seed() == f"отзывов: {Review.objects.count()}"
    assert Review.objects.filter(case_status="closed").count() == 1
    assert Review.objects.filter(case_status="open").count() == 1
    assert ReviewRequestRule.objects.get().event == "contract_completed"


def test_an_nps_of_zero_has_no_sign(client, office, make_staff):
    head = make_staff("office_head")
    contract = ContractFactory(office=office)
    for score in (10, 2):
        services.review_from_portal(contract=contract, score=score, comment="Отзыв")
    figures = _blocks(client, head)["quality-nps"]["figures"]
    assert figures[0]["value"] == "0"  # not «+0»
    assert figures[0]["label"] == "NPS за месяц (2 оценки)"
