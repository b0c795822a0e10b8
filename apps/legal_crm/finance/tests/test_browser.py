"""Finance opens every report from the sidebar's section and downloads its XLSX, in a real browser; and pays an
invoice with a certificate through billing's payment form."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from legal_crm.billing.models import Invoice
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.finance.services import certificate_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPORTS = ["Дебиторская задолженность", "Будущие платежи", "Выручка", "Валовая прибыль", "Оплаты через кабинет",
           "План и факт", "Учёт доходов и расходов", "Аналитика доходов и расходов",
           "Статистика начислений зарплаты", "Скидки по договорам", "Бонусы по действующим договорам",
           "Выплаты агентам"]


def _payroll_discount_bonus_agent(finance, head, office, contract, payment):
    """A row for each of payroll's, discounts', bonuses' and agents' reports in this month."""
    from django.utils import timezone

    from legal_crm.contracts.services import contract_create
    from legal_crm.finance.models import AgentAccrual, AgentRule, DiscountScheme, PayrollRule
    from legal_crm.finance.services import bonus_accrue
    from legal_crm.finance.services.payroll import payroll_compute
    from legal_crm.marketing.models import Partner
    from legal_crm.org.models import Employee
    from legal_crm.org.tests.factories import PositionFactory

    today = timezone.localdate()
    position = PositionFactory(code="walk-finance", name="Финансист")
    Employee.objects.filter(user=finance).update(position=position)
    PayrollRule.objects.create(position=position, salary=Decimal("70000.00"))
    payroll_compute(actor=finance, office=office, date_from=today.replace(day=1), date_to=today)
    scheme = DiscountScheme.objects.create(name="Акция", service=contract.service, max_value=Decimal("10"),
                                           max_without_approval=Decimal("10"), valid_from=today.replace(day=1))
    contract_create(actor=head, client=contract.client, service=contract.service, office=office,
                    discount={"scheme": scheme.pk, "value": "5"})
    bonus_accrue(actor=finance, client=contract.client, group="cashback", amount=Decimal("500.00"),
                 expires_on=None, reason="Проверка отчёта")
    partner = Partner.objects.create(name="Агент Смирнов")
    AgentRule.objects.create(partner=partner, percent=Decimal("10"))
    AgentAccrual.objects.create(key=f"p{payment.pk}", partner=partner, contract=contract, payment=payment,
                                base=payment.amount, amount=Decimal("200.00"))


def test_finance_opens_every_report_and_downloads_xlsx(page, live_server, make_staff, office, sign_in):
    from legal_crm.billing.tests.factories import ContractFactory

    finance = make_staff("finance", username="walk-finance")
    contract = ContractFactory(office=office)
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("12000.00"),
                            issued_on=datetime.date.today() - datetime.timedelta(days=20),
                            due_date=datetime.date.today() - datetime.timedelta(days=5))
    paid = payment_register(actor=finance, invoice=invoice, amount=Decimal("2000.00"), method="portal",
                            external_ref="op-9")
    _payroll_discount_bonus_agent(finance, make_staff("office_head", offices=[office]), office, contract, paid)
    invoice_issue(actor=finance, contract=contract, amount=Decimal("8000.00"),
                  due_date=datetime.date.today() + datetime.timedelta(days=10))  # a future payment
    sign_in(page, finance)
    for title in REPORTS:
        page.goto(f"{live_server.url}/admin/")
        page.get_by_role("link", name=title).first.click()  # the sidebar's link (its icon is part of the name)
        page.wait_for_url("**/admin/finance/reports/**")
        assert page.locator("figure svg").count() == 1, title  # the chart first
        assert page.locator("table.lc-report-table").count() == 1, title  # the table under it
        with page.expect_download() as info:
            page.click("a[data-export]")
        book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))  # a temp name without .xlsx
        assert book.active.max_row >= 3, title
    page.goto(f"{live_server.url}/admin/finance/reports/overdue/")
    assert invoice.number in page.locator("table.lc-report-table").inner_text()
    assert "10\u00a0000,00\u00a0₽" in page.locator("table.lc-report-table").inner_text()


def test_pay_with_a_certificate_in_the_payment_form(page, live_server, make_staff, office, sign_in):
    from legal_crm.billing.tests.factories import ContractFactory

    finance = make_staff("finance", username="walk-finance-cert")
    contract = ContractFactory(office=office)
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("5000.00"))
    cert = certificate_issue(actor=finance, office=office, amount=Decimal("3000.00"),
                             valid_until=datetime.date.today() + datetime.timedelta(days=90))
    sign_in(page, finance)
    page.goto(f"{live_server.url}/admin/billing/invoice/{invoice.pk}/pay/")
    page.fill("input[name=amount]", "3000")
    page.select_option("select[name=method]", "certificate")
    page.fill("input[name=reference]", cert.number)
    page.click("#service-submit")
    page.wait_for_url("**/change/")
    invoice.refresh_from_db()
    cert.refresh_from_db()
    assert invoice.paid_amount == 3000 and invoice.status == Invoice.Status.PARTIALLY_PAID
    assert cert.balance == 0
