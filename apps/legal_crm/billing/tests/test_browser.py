"""A sales manager takes a payment on an invoice from the contract card's Money tab, in a real browser."""

import pytest

from legal_crm.billing.models import Invoice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue_and_pay_an_invoice(page, live_server, make_staff, office, sign_in):
    from .factories import ContractFactory

    sales = make_staff("sales", username="walk-sales")
    contract = ContractFactory(office=office, sales_manager=sales)  # sales see their own contracts
    sign_in(page, sales)

    page.goto(f"{live_server.url}/admin/billing/invoice/issue/?contract={contract.pk}")
    assert page.input_value("input[name=contract_number]") == contract.number
    page.fill("input[name=amount]", "9 000,00")
    page.click("#service-submit")
    page.wait_for_url("**/change/")
    invoice = Invoice.objects.get(contract=contract)

    page.goto(f"{live_server.url}/admin/billing/invoice/{invoice.pk}/pay/")
    page.fill("input[name=amount]", "10000")
    page.select_option("select[name=method]", "card")
    page.click("#service-submit")
    assert "больше суммы к оплате" in page.locator(".errorlist").first.inner_text()
    page.fill("input[name=amount]", "4000")
    page.click("#service-submit")
    page.wait_for_url("**/change/")
    assert "Оплата 4" in page.content()

    page.goto(f"{live_server.url}/admin/contracts/contract/{contract.pk}/change/")
    tab = page.locator("#money-tab")
    assert invoice.number in tab.inner_text()
    assert "Оплачен частично" in tab.inner_text()
    invoice.refresh_from_db()
    assert invoice.paid_amount == 4000 and invoice.status == "partially_paid"
