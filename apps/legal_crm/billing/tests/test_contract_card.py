"""The contract card (contracts' desk) shows billing's Money tab with a bounded number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_crm.billing.services import invoice_issue, payment_register

pytestmark = pytest.mark.django_db


def test_money_tab_on_the_card(client, finance, contract):
    client.force_login(finance)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    first = invoice_issue(actor=finance, contract=contract, amount="1000")
    payment_register(actor=finance, invoice=first, amount="400", method="cash")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert first.number in html and "Принять оплату" in html and "400,00\u00a0₽" in html
    for _ in range(30):
        invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("100.00"))
        payment_register(actor=finance, invoice=invoice, amount="100", method="card")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
