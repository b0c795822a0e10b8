"""Absurd amounts are field errors, never a 500, in the contracts API and every money box of the desk
(issue 10, item 5)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract, Creditor, ExtraWork, PropertyItem, StageExpense
from legal_crm.directory.models import Counterparty
from legal_crm.directory.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("junk", ["1e308", "1e2", "1_000", "١٠٠", "１００", "-5", "12.345"])
def test_api_contract_price_junk_is_a_400(head, office, bfl, client_cp, junk):
    api = APIClient()
    api.force_authenticate(head)
    response = api.post("/api/v1/contracts/", {"client": client_cp.pk, "service": bfl.pk, "office": office.pk,
                                               "price": junk}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["field_codes"]["price"].startswith("amount_")
    assert not Contract.objects.exists()
    ok = api.post("/api/v1/contracts/", {"client": client_cp.pk, "service": bfl.pk, "office": office.pk,
                                         "price": "99 000,50"}, format="json")
    assert ok.status_code == 201 and ok.json()["price"] == "99000.50"


def test_desk_add_contract_refuses_junk_price(client, admin_user, client_cp, office, bfl):
    client.force_login(admin_user)
    response = client.post(reverse("admin:contracts_contract_add"),
                           {"client": client_cp.pk, "service": bfl.pk, "office": office.pk, "price": "1e308"})
    assert response.status_code == 200
    assert "Укажите сумму цифрами" in response.content.decode()
    assert not Contract.objects.exists()


def _post(client, contract, op, data):
    url = reverse("admin:contracts_contract_card_post", args=[contract.pk, op])
    response = client.post(url, data, follow=True)
    assert response.status_code == 200, op
    return response.content.decode()


@pytest.mark.parametrize("junk", ["1e308", "1_000", "١٠٠"])
def test_contract_card_money_boxes_refuse_junk(client, lawyer, contract_in_work, junk):
    client.force_login(lawyer)
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    stage = contract_in_work.stages.order_by("order").first()
    posts = [
        ("creditor", {"counterparty": bank.pk, "debt_amount": junk}),
        ("property", {"kind": "real_estate", "description": "Квартира", "value": junk}),
        ("bankruptcy", {"route": "judicial", "court_deposit": junk}),
        ("bankruptcy", {"route": "judicial", "monthly_income": junk}),
        ("expense", {"stage": stage.pk, "title": "Госпошлина", "amount": junk}),
        ("extra_work", {"stage": stage.pk, "description": "Ходатайство", "amount": junk}),
    ]
    for op, data in posts:
        assert "Укажите сумму цифрами" in _post(client, contract_in_work, op, data), op
    assert not Creditor.objects.exists() and not PropertyItem.objects.exists()
    assert not StageExpense.objects.exists() and not ExtraWork.objects.exists()


def test_contract_card_money_boxes_take_grouped_amounts(client, lawyer, contract_in_work):
    client.force_login(lawyer)
    stage = contract_in_work.stages.order_by("order").first()
    _post(client, contract_in_work, "expense", {"stage": stage.pk, "title": "Госпошлина", "amount": "1 300,50"})
    assert StageExpense.objects.get().amount == Decimal("1300.50")


def test_contract_card_money_boxes_show_amounts_as_typed(client, lawyer, contract_in_work):
    """The boxes give an amount back as people type it (12 000,50 → «12000,50», not «12000.50»), and saving the
    form unchanged keeps it."""
    client.force_login(lawyer)
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    _post(client, contract_in_work, "bankruptcy", {"route": "judicial", "court_deposit": "25 000,50",
                                                   "monthly_income": "42 000"})
    page = _post(client, contract_in_work, "creditor", {"counterparty": bank.pk, "debt_amount": "188 900,5"})
    assert 'value="25000,50"' in page and 'value="42000,00"' in page and 'value="188900,50"' in page
    assert "25000.50" not in page and "188900.50" not in page
    _post(client, contract_in_work, "bankruptcy", {"route": "judicial", "court_deposit": "25000,50",
                                                   "monthly_income": "42000,00"})
    case = Contract.objects.get(pk=contract_in_work.pk).bankruptcy
    assert (case.court_deposit, case.monthly_income) == (Decimal("25000.50"), Decimal("42000.00"))


def test_termination_decision_refuses_junk_amount(client, lawyer, head, contract_in_work):
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    client.force_login(head)
    url = reverse("admin:contracts_terminationrequest_change", args=[request.pk])
    response = client.post(url, {"op": "terminate", "accepted_work_amount": "1e308"}, follow=True)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == "open"


def test_custom_money_and_number_fields_use_the_parser(head, bfl):
    from legal_crm.contracts.models import ServiceField
    from legal_crm.contracts.services.contracts import _clean_custom_value
    from legal_crm.core.errors import DomainError

    money = ServiceField(service=bfl, code="fee", label="Сбор", kind=ServiceField.Kind.MONEY)
    number = ServiceField(service=bfl, code="n", label="Число", kind=ServiceField.Kind.NUMBER)
    assert _clean_custom_value(money, "1 500,5") == "1500.50"
    assert _clean_custom_value(number, "-12,5") == "-12.50"
    for junk in ("1e308", "1_000", "١٠٠"):
        for field in (money, number):
            with pytest.raises(DomainError) as exc:
                _clean_custom_value(field, junk)
            assert field.code in exc.value.fields


@pytest.mark.parametrize("url_name", ["admin:directory_service_add", "admin:contracts_servicesettings_add"])
def test_service_price_in_the_desk_uses_the_parser(client, admin_user, bfl, url_name):
    from legal_crm.directory.models import Service

    client.force_login(admin_user)
    data = {"group": bfl.group_id, "code": "new-service", "name": "Новая услуга", "description": "",
            "price": "1e308", "is_active": "on"}
    for prefix in ("stage_templates", "required_documents", "fields"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    assert "Укажите сумму цифрами" in response.content.decode()
    assert not Service.objects.filter(code="new-service").exists()
    if url_name != "admin:directory_service_add":
        return  # the same form field; its inlines make a full save longer to post
    data["price"] = "15 000,50"
    response = client.post(reverse(url_name), data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Service.objects.get(code="new-service").price == Decimal("15000.50")
