"""Issue 10, item 1: the person who converts a lead is its seller and sees the contract they made; the lead
becomes a client («Клиент») when the contract is signed, not when a draft exists."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract
from legal_crm.contracts.selectors import contract_list_visible_to, seller_choices
from legal_crm.core.errors import DomainError
from legal_crm.core.models import PermissionOverride
from legal_crm.leads.models import LeadStatusLog
from legal_crm.leads.tests.factories import LeadFactory, status

pytestmark = pytest.mark.django_db



@pytest.fixture
def lead(office, operator):
    """A lead of the office that an operator took, as distribution leaves it."""
    return LeadFactory(office=office, name="Орлова Ольга", phone="+79165550101", assigned_to=operator,
                       status=status("in_work"))


def _card(client, contract):
    return client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))


def test_the_seller_defaults_to_the_actor_not_the_leads_operator(sales, lead, bfl):
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert contract.sales_manager == sales and contract.created_by == sales
    assert contract_list_visible_to(sales).filter(pk=contract.pk).exists()


def test_sales_sees_the_contract_just_made_in_the_list_and_the_card(client, sales, lead, bfl):
    client.force_login(sales)
    url = reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    response = client.post(url, {"service": bfl.pk, "office": lead.office_id, "price": ""})
    assert response.status_code == 302, response.content.decode()
    contract = Contract.objects.get(lead=lead)
    assert response["Location"] == reverse("admin:contracts_contract_change", args=[contract.pk])
    card = client.get(response["Location"])
    assert card.status_code == 200 and contract.number in card.content.decode()
    listing = client.get(reverse("admin:contracts_contract_changelist"))
    assert listing.status_code == 200 and contract.number in listing.content.decode()


def test_the_seller_may_be_another_sales_person_of_the_office(make_staff, sales, lead, bfl, office):
    colleague = make_staff("sales")
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl, sales_manager=colleague)
    assert contract.sales_manager == colleague
    # the person who made it still sees it: the redirect to its card is no 404
    assert contract_list_visible_to(sales).filter(pk=contract.pk).exists()
    assert contract_list_visible_to(colleague).filter(pk=contract.pk).exists()


@pytest.mark.parametrize("who", ["operator", "other_office_sales", "revoked_sales", "inactive_sales"])
def test_a_seller_outside_the_offices_sales_staff_is_refused(make_staff, sales, lead, bfl, other_office,
                                                              operator, who):
    if who == "operator":
        chosen = operator
    elif who == "other_office_sales":
        chosen = make_staff("sales", offices=[other_office])
    elif who == "revoked_sales":
        chosen = make_staff("sales")
        PermissionOverride.objects.create(user=chosen, granted=False, permission=Permission.objects.get(
            content_type__app_label="contracts", codename="add_contract"))
    else:
        chosen = make_staff("sales")
        chosen.is_active = False
        chosen.save()
    assert chosen not in seller_choices(lead.office)
    with pytest.raises(DomainError) as exc:
        services.contract_create_from_lead(actor=sales, lead=lead, service=bfl, sales_manager=chosen)
    assert exc.value.code == "invalid_seller"
    assert "продаж" in exc.value.fields["sales_manager"]
    assert not Contract.objects.filter(lead=lead).exists()


def test_seller_choices_are_the_offices_sales_staff(make_staff, sales, office, other_office, operator):
    head = make_staff("office_head")
    lawyer = make_staff("lawyer")
    elsewhere = make_staff("sales", offices=[other_office])
    granted = make_staff("operator")
    PermissionOverride.objects.create(user=granted, granted=True, permission=Permission.objects.get(
        content_type__app_label="contracts", codename="add_contract"))
    choices = set(seller_choices(office))
    assert {sales, head, granted} <= choices
    assert not {operator, lawyer, elsewhere} & choices


def test_the_desk_form_offers_the_offices_sellers_and_refuses_others(client, make_staff, sales, lead, bfl,
                                                                     operator):
    colleague = make_staff("sales")
    colleague.last_name, colleague.first_name = "Продажина", "Полина"
    colleague.save()
    client.force_login(sales)
    url = reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    page = client.get(url).content.decode()
    assert 'name="sales_manager"' in page and "Продажина Полина" in page
    assert f'<option value="{sales.pk}" selected>' in page  # the actor is the default
    response = client.post(url, {"service": bfl.pk, "office": lead.office_id, "sales_manager": operator.pk})
    assert response.status_code == 200 and not Contract.objects.exists()
    response = client.post(url, {"service": bfl.pk, "office": lead.office_id, "sales_manager": colleague.pk})
    assert response.status_code == 302
    assert Contract.objects.get(lead=lead).sales_manager == colleague


def test_the_lead_becomes_a_client_when_the_contract_is_signed(sales, lead, bfl,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    lead.refresh_from_db()
    assert lead.client_id == contract.client_id  # the client card exists from the draft on
    assert lead.status.code == "in_work"  # …but the status waits for the signature
    assert not LeadStatusLog.objects.filter(lead=lead, to_status__is_converted=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_sign(actor=sales, contract=contract)
    lead.refresh_from_db()
    assert lead.status.code == "converted"
    log = LeadStatusLog.objects.get(lead=lead, to_status__is_converted=True)
    assert log.from_status.code == "in_work" and log.actor == sales


def test_the_converted_status_is_not_chosen_by_hand_after_a_draft(sales, operator, lead, bfl):
    from legal_crm.leads import services as lead_services

    services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    lead.refresh_from_db()
    assert "converted" not in [s.code for s in lead_services.allowed_next_statuses(lead)]
    with pytest.raises(DomainError) as exc:
        lead_services.lead_set_status(actor=operator, lead=lead, status=status("converted"))
    assert exc.value.code == "conversion_required"


def test_signing_again_or_a_second_contract_keeps_one_conversion(sales, lead, bfl, office,
                                                                 django_capture_on_commit_callbacks):
    from legal_crm.leads.handlers_contracts import on_contract_signed

    with django_capture_on_commit_callbacks(execute=True):
        contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
        services.contract_sign(actor=sales, contract=contract)
    on_contract_signed(contract_id=contract.pk, lead_id=lead.pk, actor_id=sales.pk)  # the relay ran it twice
    assert LeadStatusLog.objects.filter(lead=lead, to_status__is_converted=True).count() == 1


@pytest.mark.parametrize("role", ["sales", "office_head", "admin"])
def test_every_seller_role_makes_and_opens_the_contract(client, make_staff, lead, bfl, role,
                                                        django_capture_on_commit_callbacks):
    user = make_staff(role)
    client.force_login(user)
    lead_card = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert reverse("admin:contracts_contract_from_lead", args=[lead.pk]) in lead_card
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:contracts_contract_from_lead", args=[lead.pk]),
                               {"service": bfl.pk, "office": lead.office_id})
    assert response.status_code == 302
    contract = Contract.objects.get(lead=lead)
    assert contract.sales_manager == user
    assert _card(client, contract).status_code == 200
    assert contract.number in client.get(reverse("admin:contracts_contract_changelist")).content.decode()
    lead_card = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert contract.number in lead_card  # the lead card's timeline links the contract


def test_the_leads_operator_keeps_the_lead_card_without_contract_screens(client, sales, operator, lead, bfl):
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    client.force_login(operator)
    lead_card = client.get(reverse("leads_lead_card", args=[lead.pk]))
    assert lead_card.status_code == 200
    assert reverse("admin:contracts_contract_from_lead", args=[lead.pk]) not in lead_card.content.decode()
    assert client.get(reverse("admin:contracts_contract_changelist")).status_code == 403
    assert _card(client, contract).status_code in (403, 404)


def test_contract_update_refuses_a_seller_outside_the_office(make_staff, head, office, other_office, bfl, client_cp):
    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    with pytest.raises(DomainError) as exc:
        services.contract_update(actor=head, contract=contract, sales_manager=make_staff("sales",
                                                                                         offices=[other_office]))
    assert exc.value.code == "invalid_seller"
    colleague = make_staff("sales")
    assert services.contract_update(actor=head, contract=contract, sales_manager=colleague).sales_manager == colleague


def test_sales_opens_the_contract_made_through_the_api_and_its_invoice(make_staff, sales, lead, bfl, office):
    from rest_framework.test import APIClient

    from legal_crm.billing import services as billing

    client_card = services.contract_create_from_lead(actor=make_staff("office_head"), lead=lead,
                                                     service=bfl).client  # a client of this office
    api = APIClient()
    api.force_authenticate(sales)
    response = api.post("/api/v1/contracts/", {"client": client_card.pk, "service": bfl.pk, "office": office.pk},
                        format="json")
    assert response.status_code == 201, response.content
    pk = response.data["id"]
    assert response.data["sales_manager"] == sales.pk
    assert api.get(f"/api/v1/contracts/{pk}/").status_code == 200
    assert pk in [row["id"] for row in api.get("/api/v1/contracts/").data["results"]]
    assert api.post(f"/api/v1/contracts/{pk}/sign/").status_code == 200
    invoice = billing.invoice_issue(actor=sales, contract=Contract.objects.get(pk=pk), amount="5000")
    assert api.get(f"/api/v1/billing/invoices/{invoice.pk}/").status_code == 200
    colleague = make_staff("sales")
    response = api.post("/api/v1/contracts/", {"client": client_card.pk, "service": bfl.pk, "office": office.pk,
                                               "sales_manager": make_staff("operator").pk}, format="json")
    assert response.status_code == 400 and response.data["code"] == "invalid_seller"
    assert "sales_manager" in response.data["fields"]
    response = api.post("/api/v1/contracts/", {"client": client_card.pk, "service": bfl.pk, "office": office.pk,
                                               "sales_manager": colleague.pk}, format="json")
    assert response.status_code == 201 and response.data["sales_manager"] == colleague.pk
    assert api.get(f"/api/v1/contracts/{response.data['id']}/").status_code == 200  # its maker still sees it


def test_a_seller_naming_a_colleague_still_bills_the_contract_they_made(make_staff, sales, lead, bfl):
    from legal_crm.billing import services as billing
    from legal_crm.billing.selectors import invoice_list_visible_to

    colleague = make_staff("sales")
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl, sales_manager=colleague)
    services.contract_sign(actor=sales, contract=contract)
    invoice = billing.invoice_issue(actor=sales, contract=contract, amount="10000")
    assert invoice_list_visible_to(sales).filter(pk=invoice.pk).exists()
    assert invoice_list_visible_to(colleague).filter(pk=invoice.pk).exists()
    outsider = make_staff("sales")
    assert not contract_list_visible_to(outsider).filter(pk=contract.pk).exists()
    assert not invoice_list_visible_to(outsider).filter(pk=invoice.pk).exists()


def test_administrators_and_dismissed_staff_are_not_offered_as_sellers(make_staff, sales, office):
    from legal_crm.org.models import Employee

    admin = make_staff("admin")
    root = make_staff("sales", superuser=True)
    gone = make_staff("sales")
    Employee.objects.filter(user=gone).update(status=Employee.Status.DISMISSED)
    choices = set(seller_choices(office))
    assert sales in choices and not {admin, root, gone} & choices
