"""Receivables, revenue, gross profit and portal payments: figures, office scope, the desk pages and XLSX."""

import datetime
import html
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from legal_crm.billing.models import LedgerEntry
from legal_crm.billing.services import invoice_issue, payment_refund, payment_register, schedule_create
from legal_crm.billing.tests.helpers import assert_reconciled
from legal_crm.finance import receivables, revenue
from legal_crm.finance.services import bonus_accrue, certificate_issue
from legal_crm.messaging.models import Message

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 20)
NOV = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 11, 30)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def office_head(make_staff, office):
    return make_staff("office_head", offices=[office])


def _issue(actor, contract, amount, due):
    return invoice_issue(actor=actor, contract=contract, amount=Decimal(amount), due_date=due,
                         issued_on=min(due, TODAY) - datetime.timedelta(days=10))


def test_overdue_rows_with_account_state_and_decision(finance, contract, other_contract):
    contract.client.phone = "+79161234567"
    contract.client.save(update_fields=["phone"])
    late = _issue(finance, contract, "10000.00", datetime.date(2026, 11, 19))
    payment_register(actor=finance, invoice=late, amount=Decimal("4000.00"), method="cash")
    _issue(finance, contract, "5000.00", datetime.date(2026, 12, 5))  # not due yet
    very_late = _issue(finance, other_contract, "7000.00", datetime.date(2026, 11, 19))
    from legal_crm.billing.models import Invoice

    Invoice.objects.filter(pk=very_late.pk).update(due_date=datetime.date(2026, 9, 1))
    report = receivables.overdue_report(finance, today=TODAY)
    rows = {r["invoice"]: r for r in report["rows"]}
    assert set(rows) == {late.number, very_late.number}
    mine = rows[late.number]
    assert mine["overdue"] == Decimal("6000.00") and mine["days"] == 1
    assert (mine["paid"], mine["due"], mine["advance"]) == (Decimal("4000.00"), Decimal("11000.00"), Decimal("0"))
    assert mine["decision"] == "Позвонить клиенту" and mine["contact"] == "+7 916 123-45-67"
    assert rows[very_late.number]["decision"] == "Расторгнуть договор"
    assert report["total"] == Decimal("13000.00")
    assert [b["value"] for b in report["chart"]] == [Decimal("6000.00"), 0, Decimal("7000.00"), 0]


def test_office_head_sees_only_the_office(finance, office_head, contract, other_contract):
    mine = _issue(finance, contract, "1000.00", datetime.date(2026, 11, 10))
    _issue(finance, other_contract, "2000.00", datetime.date(2026, 11, 10))
    payment_register(actor=finance, invoice=mine, amount=Decimal("300.00"), method="cash")
    theirs = _issue(finance, other_contract, "900.00", datetime.date(2026, 12, 10))
    payment_register(actor=finance, invoice=theirs, amount=Decimal("900.00"), method="card")
    assert [r["invoice"] for r in receivables.overdue_report(office_head, today=TODAY)["rows"]] == [mine.number]
    assert revenue.revenue_report(office_head, **NOV)["total"] == Decimal("300.00")
    assert revenue.revenue_report(finance, **NOV)["total"] == Decimal("1200.00")


def test_future_payments_with_risk(finance, contract, other_contract):
    _issue(finance, contract, "1000.00", datetime.date(2026, 11, 10))  # overdue now → high risk
    schedule_create(actor=finance, contract=contract, total=Decimal("30000.00"), months=3,
                    first_due_date=datetime.date(2026, 12, 1))
    _issue(finance, other_contract, "2500.00", datetime.date(2026, 12, 1))
    report = receivables.future_report(finance, today=TODAY, days=30)
    risks = {(r["contract"], r["risk"]) for r in report["rows"]}
    assert risks == {(contract.number, "высокий"), (other_contract.number, "низкий")}
    assert report["total"] == Decimal("12500.00")


def test_revenue_records_refunds_and_gross_profit(finance, contract):
    invoice = _issue(finance, contract, "90000.00", datetime.date(2026, 12, 1))
    oct_pay = payment_register(actor=finance, invoice=invoice, amount=Decimal("20000.00"), method="cash",
                               paid_at=datetime.datetime(2026, 10, 15, 9, tzinfo=datetime.UTC))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("50000.00"), method="card")
    payment_refund(actor=finance, payment=oct_pay, amount=Decimal("5000.00"), reason="Ошибка")
    report = revenue.revenue_report(finance, date_from=datetime.date(2026, 10, 1), date_to=datetime.date(2026, 11, 30))
    by_month = {r["month"]: r for r in report["rows"]}
    assert by_month["октябрь 2026"]["net"] == Decimal("20000.00")
    assert by_month["ноябрь 2026"]["net"] == Decimal("45000.00") and by_month["ноябрь 2026"]["_highlight"]
    assert [b["highlight"] for b in report["chart"]] == [False, True]
    assert report["total"] == sum(e.amount for e in LedgerEntry.objects.filter(account="cash"))
    from legal_crm.contracts.models import ContractStage, StageExpense

    stage = ContractStage.objects.create(contract=contract, order=1, name="Суд")
    StageExpense.objects.create(stage=stage, title="Госпошлина", amount=Decimal("300.00"),
                                spent_on=datetime.date(2026, 11, 3))
    profit = revenue.gross_profit_report(finance, **NOV)
    assert profit["rows"][0]["cost"] == Decimal("300.00") and profit["total"] == Decimal("44700.00")
    assert profit["rows"][0]["margin"] == "99,3\u00a0%"  # Russian print: a decimal comma (it read «99.3 %»)


def test_percentages_in_russian_print():
    from legal_crm.core.formatting import format_percent

    assert format_percent(Decimal("72.25")) == "72,3\u00a0%"
    assert format_percent(Decimal("-151.49")) == "\u2212151,5\u00a0%" and format_percent(0) == "0,0\u00a0%"


def test_done_when_certificate_bonuses_and_cash_agree(finance, office, contract):
    """One invoice paid partly by a certificate, partly by bonuses, the rest in cash: receivables, revenue
    and the ledger all agree."""
    invoice = _issue(finance, contract, "10000.00", datetime.date(2026, 11, 30))
    cert = certificate_issue(actor=finance, office=office, amount=Decimal("3000.00"),
                             valid_until=datetime.date(2027, 6, 1))
    bonus_accrue(actor=finance, client=contract.client, group="cashback", amount=Decimal("2500.00"),
                 expires_on=datetime.date(2027, 1, 1), reason="Кешбэк")
    payment_register(actor=finance, invoice=invoice, amount=Decimal("3000.00"), method="certificate",
                     reference=cert.number)
    payment_register(actor=finance, invoice=invoice, amount=Decimal("2000.00"), method="bonus")
    future = receivables.future_report(finance, today=TODAY)
    assert future["total"] == Decimal("5000.00")
    payment_register(actor=finance, invoice=invoice, amount=Decimal("5000.00"), method="cash")
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    sums = assert_reconciled(contract)
    assert receivables.future_report(finance, today=TODAY)["total"] == 0
    assert receivables.overdue_report(finance, today=datetime.date(2026, 12, 31))["total"] == 0
    assert revenue.revenue_report(finance, **NOV)["total"] == sums["cash"] == Decimal("10000.00")


REPORT_URLS = ["finance_overdue", "finance_future", "finance_revenue", "finance_gross_profit",
               "finance_portal_payments"]


def test_desk_pages_and_xlsx(client, finance, contract, make_staff):
    invoice = _issue(finance, contract, "2000000.00", datetime.date(2026, 11, 30))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("1234567.89"), method="portal",
                     external_ref="op-1")
    client.force_login(finance)
    for name in REPORT_URLS:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert "<svg" in page.content.decode() or "данных нет" in page.content.decode()
        export = client.get(reverse(name), {"export": "xlsx"})
        assert export["Content-Type"].startswith("application/vnd.openxmlformats"), name
        load_workbook(io.BytesIO(export.content))
    page = client.get(reverse("finance_portal_payments")).content.decode()
    assert "1\u00a0234\u00a0567,89\u00a0₽" in page
    client.force_login(make_staff("sales"))
    assert client.get(reverse("finance_revenue")).status_code == 403


def test_reminder_from_the_overdue_list(client, finance, contract):
    contract.client.phone = "+79161234567"
    contract.client.save(update_fields=["phone"])
    invoice = _issue(finance, contract, "1000.00", datetime.date(2026, 11, 10))
    client.force_login(finance)
    response = client.post(reverse("finance_remind", args=[invoice.pk]))
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.to == "+79161234567" and invoice.number in message.text


def test_a_task_from_the_overdue_list_opens_the_prefilled_task_form(client, finance, contract):
    invoice = _issue(finance, contract, "1000.00", datetime.date(2026, 11, 10))
    client.force_login(finance)
    page = client.get(reverse("finance_overdue")).content.decode()
    link = re.search(r'href="([^"]*/todos/task/create/[^"]*)"', page)
    assert link, "the overdue row offers a task"
    url = html.unescape(link.group(1))
    assert f"record_id={invoice.pk}" in url and "record_type=billing.invoice" in url
    form = client.get(url).content.decode()
    assert f"Связаться с клиентом: просрочен счёт {invoice.number}" in html.unescape(form)
