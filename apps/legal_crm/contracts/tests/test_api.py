import pytest
from rest_framework.test import APIClient

from legal_crm.contracts.models import Contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_list_is_office_scoped(api, make_staff, other_office, make_contract):
    here = make_contract()
    make_contract(office=other_office)
    api.force_authenticate(make_staff("lawyer"))
    response = api.get("/api/v1/contracts/")
    assert response.status_code == 200
    assert [row["number"] for row in response.data["results"]] == [here.number]


def test_lifecycle_and_errors(api, head, lawyer, office, bfl, client_cp):
    api.force_authenticate(head)
    response = api.post("/api/v1/contracts/", {"client": client_cp.pk, "service": bfl.pk, "office": office.pk},
                        format="json")
    assert response.status_code == 201
    pk = response.data["id"]
    response = api.post(f"/api/v1/contracts/{pk}/complete/")
    assert response.status_code == 400
    assert response.data["code"] == "invalid_transition"
    assert api.post(f"/api/v1/contracts/{pk}/sign/").data["status"] == "signed"
    Contract.objects.get(pk=pk).lawyers.add(lawyer)
    assert api.post(f"/api/v1/contracts/{pk}/start-work/").data["status"] == "in_work"
    detail = api.get(f"/api/v1/contracts/{pk}/").data
    assert len(detail["stages"]) == 14
    api.force_authenticate(lawyer)
    response = api.post(f"/api/v1/contracts/{pk}/actions/", {"action_type": "application-filed", "text": "Подано"},
                        format="json")
    assert response.status_code == 201 and response.data["published_to_portal"] is True
    response = api.post(f"/api/v1/contracts/{pk}/actions/", {"action_type": "complaint-filed"}, format="json")
    assert response.status_code == 400 and response.data["code"] == "action_type_not_for_service"
    assert len(api.get(f"/api/v1/contracts/{pk}/actions/").data["results"]) == 1


def test_operator_has_no_access(api, make_staff):
    api.force_authenticate(make_staff("operator"))
    assert api.get("/api/v1/contracts/").status_code == 403


def test_a_contract_cannot_open_another_offices_client_card(api, head, office, other_office, bfl, make_staff):
    from legal_crm.contracts import services
    from legal_crm.contracts.tests.factories import CounterpartyFactory
    from legal_crm.directory.models import Counterparty

    theirs = CounterpartyFactory(name="Клиент Новосибирска", passport_number="654321")
    services.contract_create(actor=make_staff("admin"), client=theirs, service=bfl, office=other_office)
    api.force_authenticate(head)
    assert api.get(f"/api/v1/counterparties/{theirs.pk}/").status_code == 404
    response = api.post("/api/v1/contracts/", {"client": theirs.pk, "service": bfl.pk, "office": office.pk},
                        format="json")
    assert response.status_code == 400 and response.json()["code"] == "unknown_client"
    assert api.get(f"/api/v1/counterparties/{theirs.pk}/").status_code == 404  # still not theirs
    court = CounterpartyFactory(kind="company", role=Counterparty.Role.COURT, name="Суд")
    response = api.post("/api/v1/contracts/", {"client": court.pk, "service": bfl.pk, "office": office.pk},
                        format="json")
    assert response.status_code == 400  # not a client card at all


def test_a_creditor_is_not_another_offices_client(lawyer, contract_in_work, other_office, bfl, make_staff):
    from legal_crm.contracts import services
    from legal_crm.contracts.tests.factories import CounterpartyFactory
    from legal_crm.core.errors import DomainError

    theirs = CounterpartyFactory(name="Клиент Екатеринбурга")
    services.contract_create(actor=make_staff("admin"), client=theirs, service=bfl, office=other_office)
    with pytest.raises(DomainError) as exc:
        services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=theirs, debt_amount="1000")
    assert exc.value.code == "unknown_counterparty"


def test_the_office_filters_of_the_desk_lists_offer_only_the_users_offices(client, make_staff, office,
                                                                            other_office):
    from legal_crm.org.tests.factories import OfficeFactory

    third = OfficeFactory(code="ekb", name="Екатеринбург", time_zone="Asia/Yekaterinburg")
    client.force_login(make_staff("office_head", offices=[office, third]))  # two offices: the filter is shown
    for url in ("/admin/contracts/contract/", "/admin/billing/invoice/", "/admin/billing/payment/"):
        html = client.get(url).content.decode()
        assert "Екатеринбург" in html and other_office.name not in html, url
