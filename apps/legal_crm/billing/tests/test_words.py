"""What the desk shows about money in words: amounts as 3 000,00 ₽, the ledger's operation as a sentence, the
payment form pre-filled with what is owed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from legal_crm.billing.models import LedgerEntry, Payment
from legal_crm.billing.services import invoice_issue, payment_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(finance, contract):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("3000"),
                         due_date=timezone.localdate() + datetime.timedelta(days=3))


def test_payment_names_and_the_ledger_say_what_happened(client, finance, invoice, admin_user):
    payment_register(actor=finance, invoice=invoice, amount="1000", method="cash", paid_at=timezone.now())
    payment = Payment.objects.get()
    assert str(payment).startswith("Платёж 1\u00a0000,00\u00a0₽ от ")
    client.force_login(admin_user)
    html = client.get(reverse("admin:billing_ledgerentry_changelist")).content.decode()
    assert f"Оплата счёта {invoice.number}" in html and "Получен платёж от" in html
    for entry in LedgerEntry.objects.all():
        assert str(entry.operation) not in html  # the UUID is not what people read


def test_the_payment_form_is_pre_filled_with_the_amount_due(client, finance, invoice):
    payment_register(actor=finance, invoice=invoice, amount="1000", method="cash", paid_at=timezone.now())
    client.force_login(finance)
    html = client.get(reverse("admin:billing_invoice_pay", args=[invoice.pk])).content.decode()
    assert 'value="2000,00"' in html
    assert "Отправка формы" not in html and "Submission" not in html  # the hidden token has no visible label
    assert 'type="hidden" name="submission"' in html


def test_favicon_is_served_and_linked(client, admin_user):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    client.force_login(admin_user)
    assert 'href="/favicon.ico"' in client.get(reverse("admin:index")).content.decode()
