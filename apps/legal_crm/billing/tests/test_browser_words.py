"""In a real browser: the ledger says what happened and the payment form offers what is owed."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from legal_crm.billing.services import invoice_issue, payment_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ledger_and_payment_form(page_as, live_server, make_staff, office):
    from legal_crm.billing.tests.factories import ContractFactory

    finance = make_staff("finance", offices=[office])
    invoice = invoice_issue(actor=finance, contract=ContractFactory(office=office), amount=Decimal("3000"),
                            due_date=timezone.localdate() + datetime.timedelta(days=3))
    payment_register(actor=finance, invoice=invoice, amount="1000", method="cash", paid_at=timezone.now())
    page = page_as(finance, viewport={"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/admin/billing/ledgerentry/")
    page.screenshot(path="/tmp/f20_ledger.png", full_page=True)
    body = page.locator("#result_list").inner_text()
    assert f"Оплата счёта {invoice.number}" in body and "1\u00a0000,00\u00a0₽" in body
    page.goto(f"{live_server.url}/admin/billing/invoice/{invoice.pk}/pay/")
    page.screenshot(path="/tmp/f20_payment_form.png", full_page=True)
    assert page.input_value("input[name=amount]") == "2000,00"
