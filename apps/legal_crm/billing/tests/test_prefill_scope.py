"""`?contract=` on the billing pages pre-fills only a contract the user may see (issue 10, item 15): sales see
the contracts they sold, so another seller's contract of the same office is not found — by id in the URL or by
its number typed into the form."""

import pytest
from django.urls import reverse

from legal_crm.billing.models import Invoice

from .factories import ContractFactory

# Every billing page that reads `?contract=` (ServicePageMixin.contract_initial).
PAGES = ["admin:billing_invoice_issue", "admin:billing_instalmentschedule_create_schedule",
         "admin:billing_subscription_start", "admin:billing_payment_refund_contract"]


@pytest.mark.django_db
def test_sales_get_their_own_contract_prefilled_and_another_sellers_not_found(client, sales, contract, office,
                                                                            make_staff):
    someone_elses = ContractFactory(office=office, sales_manager=make_staff("sales"))
    client.force_login(sales)
    url = reverse("admin:billing_invoice_issue")
    own = client.get(f"{url}?contract={contract.pk}")
    assert own.status_code == 200 and contract.number in own.content.decode()
    other = client.get(f"{url}?contract={someone_elses.pk}")
    assert other.status_code == 404 and someone_elses.number not in other.content.decode()
    assert client.get(f"{url}?contract=abc").status_code == 404
    assert client.get(f"{url}?contract=99999999").status_code == 404


@pytest.mark.django_db
def test_every_billing_page_with_a_contract_prefill_is_scoped(client, sales, contract, office, make_staff):
    someone_elses = ContractFactory(office=office, sales_manager=make_staff("sales"))
    client.force_login(sales)
    for url in map(reverse, PAGES):
        response = client.get(f"{url}?contract={someone_elses.pk}")
        assert response.status_code in (403, 404), url
        assert someone_elses.number not in response.content.decode(), url


@pytest.mark.django_db
def test_sales_cannot_bill_another_sellers_contract_by_typing_its_number(client, sales, office, make_staff):
    someone_elses = ContractFactory(office=office, sales_manager=make_staff("sales"))
    client.force_login(sales)
    response = client.post(reverse("admin:billing_invoice_issue"), {
        "contract_number": someone_elses.number, "kind": "one_off", "amount": "1000", "due_date": "10.12.2026"})
    assert response.status_code == 200 and "не найден" in response.content.decode()
    assert not Invoice.objects.exists()


@pytest.mark.django_db
def test_office_wide_roles_still_get_any_contract_of_their_office(client, make_staff, office, contract):
    head = make_staff("office_head")
    client.force_login(head)
    response = client.get(reverse("admin:billing_invoice_issue") + f"?contract={contract.pk}")
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert contract.number in response.content.decode()


@pytest.mark.django_db
def test_complaint_form_prefills_only_a_visible_contract(client, make_staff, office, other_office):
    theirs = ContractFactory(office=other_office)
    ours = ContractFactory(office=office)
    client.force_login(make_staff("office_head"))
    url = reverse("admin:quality_complaint_file")
    own = client.get(f"{url}?contract={ours.pk}")
    if own.status_code == 403:
        pytest.skip("the office head does not file complaints")
    assert own.status_code == 200 and ours.number in own.content.decode()
    other = client.get(f"{url}?contract={theirs.pk}")
    assert other.status_code == 404 and theirs.number not in other.content.decode()
