from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from legal_crm.billing.models import Payment
from legal_crm.billing.services import invoice_issue

from .helpers import assert_reconciled

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_register_payment_over_api(api, finance, sales, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount="3000")
    api.force_authenticate(sales)
    url = f"/api/v1/billing/invoices/{invoice.pk}/payments/"
    body = {"amount": "1000.00", "method": "portal", "external_ref": "op-555"}
    first = api.post(url, body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "1000.00"
    replay = api.post(url, body, format="json")
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    assert Payment.objects.count() == 1
    floating = api.post(url, {"amount": 1000.5, "method": "card"}, format="json")
    assert floating.status_code == 400 and floating.json()["field_codes"]["amount"] == "amount_float"
    over = api.post(url, {"amount": "2000.01", "method": "card"}, format="json")
    assert over.json()["code"] == "overpayment" and "аванс" in over.json()["detail"]
    negative = api.post(url, {"amount": "-1", "method": "card"}, format="json")
    assert negative.status_code == 400 and negative.json()["field_codes"]["amount"] == "amount_not_positive"
    bonus = api.post(url, {"amount": "1", "method": "bonus"}, format="json")  # the client has no bonuses
    assert bonus.json()["code"] == "bonus_insufficient"
    dup = api.post(url, {"amount": "5.00", "method": "portal", "external_ref": "op-555"}, format="json")
    assert dup.json()["code"] == "duplicate_reference"
    detail = api.get(f"/api/v1/billing/invoices/{invoice.pk}/").json()
    assert detail["status"] == "partially_paid" and detail["due_amount"] == "2000.00"
    listed = api.get(url).json()
    assert [p["external_ref"] for p in listed["results"]] == ["op-555"]
    balance = api.get(f"/api/v1/billing/contracts/{contract.pk}/balance/").json()
    assert balance["paid"] == "1000.00" and balance["due"] == "2000.00"
    assert_reconciled(contract)
    assert Payment.objects.get().amount == Decimal("1000.00")


def test_api_scope_and_permissions(api, make_staff, finance, contract, other_contract, other_office):
    mine = invoice_issue(actor=finance, contract=contract, amount="100")
    invoice_issue(actor=finance, contract=other_contract, amount="100")
    lawyer = make_staff("lawyer")
    api.force_authenticate(lawyer)
    assert [row["id"] for row in api.get("/api/v1/billing/invoices/").json()["results"]] == [mine.pk]
    assert api.post(f"/api/v1/billing/invoices/{mine.pk}/payments/", {"amount": "1", "method": "cash"},
                    format="json").status_code == 403
    assert api.get(f"/api/v1/billing/contracts/{other_contract.pk}/balance/").status_code == 404
    operator = make_staff("operator")
    api.force_authenticate(operator)
    assert api.get("/api/v1/billing/invoices/").status_code == 403
    stranger = make_staff("sales", offices=[other_office])
    api.force_authenticate(stranger)
    assert api.get(f"/api/v1/billing/invoices/{mine.pk}/").status_code == 404


def test_schema_includes_billing(api, admin_user):
    api.force_authenticate(admin_user)
    schema = api.get("/api/schema/?format=json").json()
    assert "/api/v1/billing/invoices/{id}/payments/" in schema["paths"]


def test_own_contracts_roles_read_only_their_contracts_balance(sales, contract, office):
    from rest_framework.test import APIClient

    from .factories import ContractFactory

    colleagues = ContractFactory(office=office)  # same office, sold by somebody else
    client = APIClient()
    client.force_authenticate(sales)
    assert client.get(f"/api/v1/billing/contracts/{contract.pk}/balance/").status_code == 200
    assert client.get(f"/api/v1/billing/contracts/{colleagues.pk}/balance/").status_code == 404


def test_a_repeated_reference_does_not_describe_another_offices_payment(make_staff, sales, contract, other_contract):
    from legal_crm.billing.services import invoice_issue, payment_register
    from legal_crm.core.errors import DomainError

    admin = make_staff("admin")
    theirs = invoice_issue(actor=admin, contract=other_contract, amount="1000")
    payment_register(actor=admin, invoice=theirs, amount="100", method="card", external_ref="REF-1")
    ours = invoice_issue(actor=admin, contract=contract, amount="1000")
    with pytest.raises(DomainError) as exc:
        payment_register(actor=sales, invoice=ours, amount="1", method="card", external_ref="REF-1")
    assert exc.value.code == "duplicate_reference"
    assert theirs.number not in exc.value.message and "REF-1" in exc.value.message
