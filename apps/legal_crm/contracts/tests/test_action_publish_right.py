"""Publishing an action to the client takes the right the desk's publish toggle takes (change), not only add."""

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from legal_crm.contracts import services
from legal_crm.contracts.models import ActionType, ContractAction
from legal_crm.core.errors import DomainError
from legal_crm.core.models import PermissionOverride

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_only_lawyer(lawyer):
    """The contract's lawyer, with the right to add actions but the change right revoked."""
    PermissionOverride.objects.create(user=lawyer, granted=False, permission=Permission.objects.get(
        content_type__app_label="contracts", codename="change_contractaction"))
    assert lawyer.has_perm("contracts.add_contractaction")
    assert not lawyer.has_perm("contracts.change_contractaction")
    return lawyer


def _url(contract):
    return f"/api/v1/contracts/{contract.pk}/actions/"


def test_api_refuses_to_publish_an_internal_note_without_the_right(add_only_lawyer, contract_in_work):
    api = APIClient()
    api.force_authenticate(add_only_lawyer)
    r = api.post(_url(contract_in_work), {"action_type": "internal-note", "text": "Клиент должен 2 млн",
                                          "publish": True}, format="json")
    assert r.status_code == 403, r.content
    body = r.json()
    assert body["code"] == "access_denied"
    assert "публиковать действия клиенту" in body["detail"] and "изменять действия по договору" in body["detail"]
    assert not ContractAction.objects.filter(contract=contract_in_work).exists()


def test_api_refuses_a_type_published_by_default_without_the_right(add_only_lawyer, contract_in_work):
    api = APIClient()
    api.force_authenticate(add_only_lawyer)
    r = api.post(_url(contract_in_work), {"action_type": "application-filed", "text": "Подано"}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    assert not ContractAction.objects.filter(contract=contract_in_work).exists()


def test_without_the_right_an_unpublished_action_is_still_recorded(add_only_lawyer, contract_in_work):
    api = APIClient()
    api.force_authenticate(add_only_lawyer)
    r = api.post(_url(contract_in_work), {"action_type": "application-filed", "text": "Подано", "publish": False},
                 format="json")
    assert r.status_code == 201, r.content
    assert r.json()["published_to_portal"] is False
    r = api.post(_url(contract_in_work), {"action_type": "internal-note", "text": "Позвонить"}, format="json")
    assert r.status_code == 201 and r.json()["published_to_portal"] is False
    assert ContractAction.objects.filter(contract=contract_in_work, published_to_portal=True).count() == 0


def test_the_service_refuses_whoever_calls_it(add_only_lawyer, contract_in_work):
    note = ActionType.objects.get(code="internal-note")
    with pytest.raises(DomainError) as exc:
        services.action_add(actor=add_only_lawyer, contract=contract_in_work, action_type=note, text="x",
                            publish=True)
    assert exc.value.code == "access_denied"
    assert not ContractAction.objects.filter(contract=contract_in_work).exists()


def test_with_the_right_the_note_is_published(lawyer, contract_in_work):
    api = APIClient()
    api.force_authenticate(lawyer)
    r = api.post(_url(contract_in_work), {"action_type": "internal-note", "text": "Для клиента", "publish": True},
                 format="json")
    assert r.status_code == 201, r.content
    assert r.json()["published_to_portal"] is True
