"""The lists nested under a record (a contract's actions, an invoice's payments) answer what /api/schema/ documents:
a capped page (`count`/`next`/`previous`/`results`) that refuses junk `limit` with a 400, and a POST documented as
the one record it creates (201), not as a page. Before, both GET answers were bare arrays and the schema promised a
page (actions) or a single payment (payments) — responses that violated the published schema on real data, which
the fuzz run's random ids rarely reach."""

from __future__ import annotations

import datetime
from decimal import Decimal

import jsonschema
import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null type."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def _validate(schema, path, method, status, body):
    operation = schema["paths"][path][method]
    response_schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    document = _json_schema({"components": schema["components"], **response_schema})
    jsonschema.validate(body, document, format_checker=None)
    return operation


def test_contract_actions_are_a_documented_page(make_staff, office):
    from legal_crm.contracts.models import ActionType, ContractAction
    from legal_crm.contracts.tests.factories import ContractFactory

    contract = ContractFactory(office=office)
    action_type = ActionType.objects.create(code="note-x", name="Заметка")
    for n in range(3):
        ContractAction.objects.create(contract=contract, action_type=action_type, text=f"Запись {n}",
                                      happened_on=timezone.localdate())
    api = APIClient()
    api.force_authenticate(make_staff("admin"))
    url = f"/api/v1/contracts/{contract.pk}/actions/"
    response = api.get(url, {"limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and len(body["results"]) == 2 and body["next"]
    schema = _schema()
    _validate(schema, "/api/v1/contracts/{id}/actions/", "get", 200, body)
    assert api.get(url, {"limit": "99999999999999999999"}).status_code == 400
    post = schema["paths"]["/api/v1/contracts/{id}/actions/"]["post"]
    assert "201" in post["responses"] and "200" not in post["responses"]
    assert not [p for p in post.get("parameters", []) if p["name"] in ("limit", "offset")]


def test_invoice_payments_are_a_documented_page(make_staff, office):
    from legal_crm.billing.services import invoice_issue, payment_register
    from legal_crm.billing.tests.factories import ContractFactory

    contract = ContractFactory(office=office)
    finance = make_staff("finance", offices=[office])
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"),
                            due_date=timezone.localdate() + datetime.timedelta(days=5))
    for amount in ("100.00", "200.00"):
        payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method="cash")
    api = APIClient()
    api.force_authenticate(finance)
    url = f"/api/v1/billing/invoices/{invoice.pk}/payments/"
    response = api.get(url, {"limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and len(body["results"]) == 1
    schema = _schema()
    _validate(schema, "/api/v1/billing/invoices/{id}/payments/", "get", 200, body)
    assert api.get(url, {"offset": "-1"}).status_code == 400
    created = api.post(url, {"amount": "50.00", "method": "cash"}, format="json")
    assert created.status_code == 201
    _validate(schema, "/api/v1/billing/invoices/{id}/payments/", "post", 201, created.json())
