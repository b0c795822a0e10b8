"""Publishing an action to the client takes the right the desk's publish toggle takes (change), not only add."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
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


# --- the desk's «add action» form on the contract card ----------------------------------------------------------

def _action_form_inputs(client, contract) -> list[dict]:
    """The attributes of every <input> of the card's «add action» form (form#action-add)."""
    html = client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).content.decode()
    form = re.search(r'<form[^>]*id="action-add".*?</form>', html, re.S)
    assert form, "the card offers no «add action» form"
    return [dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag[len("<input"):]))
            for tag in re.findall(r"<input\b[^>]*>", form.group(0))]


def test_desk_form_offers_no_publish_box_without_the_right(client, add_only_lawyer, contract_in_work):
    client.force_login(add_only_lawyer)
    inputs = _action_form_inputs(client, contract_in_work)
    boxes = [i for i in inputs if i.get("type") == "checkbox"]
    assert boxes and all("disabled" in box and "name" not in box for box in boxes)  # shown greyed, never sent
    assert [i for i in inputs if i.get("name") == "publish"] == [{"type": "hidden", "name": "publish", "value": "0"}]


def test_desk_form_offers_the_publish_box_with_the_right(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    publish = [i for i in _action_form_inputs(client, contract_in_work) if i.get("name") == "publish"]
    assert len(publish) == 1 and publish[0]["type"] == "checkbox" and "disabled" not in publish[0]


@pytest.mark.parametrize("sent", [{"publish": "0"}, {}], ids=["as-the-form-sends", "no-publish-field"])
def test_desk_saves_a_type_published_by_default_unpublished_without_the_right(client, add_only_lawyer,
                                                                              contract_in_work, sent):
    assert ActionType.objects.get(code="application-filed").publish_to_portal
    client.force_login(add_only_lawyer)
    url = reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "action"])
    response = client.post(url, {"action_type": ActionType.objects.get(code="application-filed").pk,
                                 "text": "Заявление подано", "tab": "actions", **sent}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Действие записано." in html and "Недостаточно прав" not in html
    action = ContractAction.objects.get(contract=contract_in_work)
    assert action.text == "Заявление подано" and not action.published_to_portal and action.published_at is None
