"""Absurd amounts are field errors, never a 500, in every billing API endpoint and desk form (issue 10, item 5)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from legal_crm.billing.models import InstalmentSchedule, Invoice, Payment, Refund, Subscription
from legal_crm.billing.services import invoice_issue, payment_register

pytestmark = pytest.mark.django_db

JUNK = ["1e308", "1e2", "1_000", "١٠٠", "１００", "12.345", "NaN"]


@pytest.fixture
def invoice(finance, contract):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("12500.50"),
                         due_date=timezone.localdate() + datetime.timedelta(days=3))


@pytest.mark.parametrize("junk", JUNK)
def test_api_payment_amount_junk_is_a_400_with_a_code(sales, invoice, junk):
    api = APIClient()
    api.force_authenticate(sales)
    response = api.post(f"/api/v1/billing/invoices/{invoice.pk}/payments/", {"amount": junk, "method": "card"},
                        format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field_codes"]["amount"] in ("amount_invalid", "amount_precision")
    assert not body["fields"]["amount"].isascii()
    assert not Payment.objects.exists()


def _today():
    return timezone.localdate().strftime("%d.%m.%Y")


@pytest.mark.parametrize("junk", ["1e308", "1_000", "١٠٠"])
def test_desk_money_forms_refuse_junk(client, admin_user, contract, invoice, junk):
    client.force_login(admin_user)
    payment = payment_register(actor=admin_user, invoice=invoice, amount="100", method="cash")
    pages = [
        (reverse("admin:billing_invoice_issue"),
         {"contract_number": contract.number, "kind": "one_off", "amount": junk, "due_date": "10.12.2030"}),
        (reverse("admin:billing_invoice_pay", args=[invoice.pk]),
         {"amount": junk, "method": "cash", "paid_on": _today()}),
        (reverse("admin:billing_payment_refund", args=[payment.pk]), {"amount": junk, "reason": "Ошибка"}),
        (reverse("admin:billing_payment_refund_contract"),
         {"contract_number": contract.number, "amount": junk, "reason": "Расторжение"}),
        (reverse("admin:billing_instalmentschedule_create_schedule"),
         {"contract_number": contract.number, "total": junk, "months": "10", "first_due_date": "05.01.2030"}),
        (reverse("admin:billing_subscription_start"),
         {"contract_number": contract.number, "monthly_fee": junk, "started_on": _today(), "due_days": "5"}),
    ]
    for url, data in pages:
        response = client.post(url, data)
        assert response.status_code == 200, url
        assert "Укажите сумму цифрами" in response.content.decode(), url
    assert Invoice.objects.count() == 1 and Payment.objects.count() == 1
    assert not Refund.objects.exists() and not InstalmentSchedule.objects.exists()
    assert not Subscription.objects.exists()
