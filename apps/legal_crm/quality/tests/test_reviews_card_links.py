"""«Записать отзыв» on the contract card and the lead card (hooks.CARD_LINKS): shown to those who record reviews,
it opens the staff's form with the record filled in; the form and the service keep to the user's offices."""

import pytest
from django.urls import reverse

from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.quality.models import Review

pytestmark = pytest.mark.django_db

BUTTON = 'data-card-link="record-review"'


def _record_url(**subject):
    (name, pk), = subject.items()
    return f"{reverse('admin:quality_review_record')}?{name}={pk}"


def test_the_contract_card_records_a_review_of_its_contract(client, office, other_office, make_staff):
    lawyer = make_staff("lawyer")
    contract = ContractFactory(office=office, lawyers=[lawyer])
    client.force_login(lawyer)
    card = client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).content.decode()
    assert BUTTON in card and _record_url(contract=contract.pk).replace("&", "&amp;") in card
    form = client.get(_record_url(contract=contract.pk)).content.decode()
    assert contract.number in form and 'name="contract_number"' not in form  # the record is filled in
    done = client.post(_record_url(contract=contract.pk), {"kind": "score", "score": "8", "comment": "Спасибо"})
    assert done.status_code == 302
    review = Review.objects.get()
    assert (review.contract, review.office, review.responsible, review.source, review.recorded_by) == (
        contract, office, lawyer, "call", lawyer)
    foreign = ContractFactory(office=other_office)  # another office: neither the form nor a forged POST
    assert client.get(_record_url(contract=foreign.pk)).status_code == 404
    assert client.post(_record_url(contract=foreign.pk), {"kind": "score", "score": "1"}).status_code == 404
    assert Review.objects.count() == 1


def test_the_lead_card_records_a_review_of_its_lead(client, office, other_office, make_staff):
    operator = make_staff("operator")
    lead = LeadFactory(office=office, assigned_to=operator)
    client.force_login(operator)
    card = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert BUTTON in card
    done = client.post(_record_url(lead=lead.pk), {"kind": "no_score", "comment": "Обещал подумать"})
    assert done.status_code == 302
    review = Review.objects.get()
    assert (review.lead, review.office, review.responsible, review.category) == (lead, office, operator,
                                                                               "no_score")
    foreign = LeadFactory(office=other_office)
    assert client.get(_record_url(lead=foreign.pk)).status_code == 404


def test_no_button_without_the_right_or_the_office(client, office, make_staff):
    marketer = make_staff("marketer")  # sees leads, records no reviews
    lead = LeadFactory(office=office)
    client.force_login(marketer)
    card = client.get(reverse("leads_lead_card", args=[lead.pk]))
    assert card.status_code == 200 and BUTTON not in card.content.decode()
    assert client.get(_record_url(lead=lead.pk)).status_code == 403
    finance = make_staff("finance")  # sees contracts, records no reviews
    client.force_login(finance)
    contract = ContractFactory(office=office)
    card = client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))
    assert card.status_code == 200 and BUTTON not in card.content.decode()
    operator = make_staff("operator")
    client.force_login(operator)
    officeless = LeadFactory(office=None)  # a review belongs to an office: no button for a lead without one
    page = client.get(reverse("leads_lead_card", args=[officeless.pk]))
    assert page.status_code in (200, 404) and BUTTON not in page.content.decode()
