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
    assert len(api.get(f"/api/v1/contracts/{pk}/actions/").data) == 1


def test_operator_has_no_access(api, make_staff):
    api.force_authenticate(make_staff("operator"))
    assert api.get("/api/v1/contracts/").status_code == 403
