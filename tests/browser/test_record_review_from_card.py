"""Issue 14 §6: «the staff can also record one from a call» — the lawyer on the phone with the client presses
«Записать отзыв» on the contract card and records what the client said, the contract already filled in."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lawyer_records_a_review_from_the_contract_card(page, live_server, make_staff, office, sign_in):
    from legal_crm.contracts.tests.factories import ContractFactory
    from legal_crm.quality.models import Review

    lawyer = make_staff("lawyer", username="calling-lawyer")
    contract = ContractFactory(office=office, status="in_work", lawyers=[lawyer])

    sign_in(page, lawyer)

    page.goto(f"{live_server.url}/admin/contracts/contract/{contract.pk}/change/")
    page.click("[data-card-link=record-review]")
    page.wait_for_selector("select[name=kind]")
    assert contract.number in page.content()  # the contract is filled in, not typed
    page.select_option("select[name=kind]", "score")
    page.select_option("select[name=score]", "9")
    page.fill("textarea[name=comment]", "Доволен консультацией, порекомендует знакомым")
    page.get_by_role("button", name="Записать").click()
    page.wait_for_url(re.compile(r"/quality/review/\d+/change/"))

    review = Review.objects.get()
    assert (review.contract, review.score, review.category, review.source, review.recorded_by) == (
        contract, 9, "promoter", "call", lawyer)
