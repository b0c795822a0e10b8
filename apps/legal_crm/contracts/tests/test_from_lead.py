import pytest

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_contract_from_lead_creates_client(sales, office, bfl):
    lead = LeadFactory(office=office, name="Петров Пётр", phone="+79161112233", assigned_to=sales)
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert contract.status == Contract.Status.DRAFT
    assert contract.lead == lead
    assert contract.client.phone == "+79161112233"
    assert contract.client.name == "Петров Пётр"
    lead.refresh_from_db()
    assert lead.client == contract.client
    assert contract.sales_manager == sales


def test_contract_from_lead_reuses_client_and_refuses_second_draft(sales, office, bfl, client_cp):
    lead = LeadFactory(office=office, client=client_cp)
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert contract.client == client_cp
    with pytest.raises(DomainError) as exc:
        services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert exc.value.code == "draft_exists"


def test_contract_from_lead_needs_office_and_service(sales, bfl):
    lead = LeadFactory(office=None)
    with pytest.raises(DomainError) as exc:
        services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert exc.value.code == "office_required"
    with pytest.raises(DomainError) as exc:
        services.contract_create_from_lead(actor=sales, lead=lead)
    assert exc.value.code == "service_required"


def test_lead_timeline_lists_contracts(sales, office, bfl):
    from legal_crm.contracts.timeline import lead_timeline

    lead = LeadFactory(office=office, assigned_to=sales)
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    rows = lead_timeline(lead, [lead.pk], sales)
    assert [r["title"] for r in rows] == [f"Договор {contract.number}: Черновик"]
    assert rows[0]["url"].endswith(f"/{contract.pk}/change/")


def test_lead_of_another_office_refused(make_staff, other_office, office, bfl):
    lead = LeadFactory(office=other_office)
    sales = make_staff("sales", offices=[office])
    with pytest.raises(DomainError) as exc:
        services.contract_create_from_lead(actor=sales, lead=lead, service=bfl, office=office)
    assert exc.value.code == "access_denied"
    assert not Contract.objects.filter(lead=lead).exists()


def test_a_returning_clients_new_lead_shows_their_contracts(sales, office, bfl):
    """The new lead is not linked to the client yet; the card finds the client by phone."""
    from legal_crm.leads.selectors import card as selectors_card

    first = LeadFactory(office=office, phone="+79167001008", assigned_to=sales)
    contract = services.contract_create_from_lead(actor=sales, lead=first, service=bfl)
    Contract.objects.filter(pk=contract.pk).update(lead=None)  # e.g. a contract signed in the office, no lead
    new = LeadFactory(office=office, phone="+79167001008", assigned_to=sales)
    assert new.client_id is None
    titles = [row["title"] for row in selectors_card.timeline(new, sales)]
    assert f"Договор {contract.number}: Черновик" in titles


def test_merging_client_cards_moves_the_duplicates_contracts(sales, make_staff, office, bfl, client_cp,
                                                               django_capture_on_commit_callbacks):
    from legal_crm.core.models import AuditLog
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.leads.services import clients_merge

    duplicate = CounterpartyFactory(name="Иванов И. И.", phone="+79167001009")
    lead = LeadFactory(office=office, client=duplicate)
    contract = services.contract_create_from_lead(actor=sales, lead=lead, service=bfl)
    assert contract.client == duplicate
    with django_capture_on_commit_callbacks(execute=True):
        clients_merge(actor=make_staff("admin"), survivor=client_cp, duplicate=duplicate)
    contract.refresh_from_db()
    assert contract.client == client_cp
    entry = AuditLog.objects.get(action="contracts.clients_merged")
    assert entry.after["contracts"] == [contract.pk] and entry.object_id == str(client_cp.pk)


def test_contract_from_lead_in_the_desk_finds_the_client_by_inn(client, sales, office, bfl, client_cp):
    from django.urls import reverse

    lead = LeadFactory(office=office, phone="+79167001010", assigned_to=sales)  # a phone the card does not have
    url = reverse("admin:contracts_contract_from_lead", args=[lead.pk])
    client.force_login(sales)
    assert 'name="inn"' in client.get(url).content.decode()
    r = client.post(url, {"service": bfl.pk, "office": office.pk, "price": "", "inn": "500100732258"})
    assert r.status_code == 200 and "ИНН" in r.content.decode() and not Contract.objects.exists()  # bad check digit
    r = client.post(url, {"service": bfl.pk, "office": office.pk, "price": "", "inn": client_cp.inn})
    assert r.status_code == 302
    assert Contract.objects.get().client == client_cp
    lead.refresh_from_db()
    assert lead.client == client_cp
