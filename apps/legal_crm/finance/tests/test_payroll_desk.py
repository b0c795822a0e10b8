"""Payroll in the desk: compute, read the explanation, approve, the payslip PDF and the accrual statistics."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from legal_crm.finance.models import PayrollLine, PayrollRule, PayrollRun
from legal_crm.finance.services.payroll import payroll_compute
from legal_crm.org.models import Employee
from legal_crm.org.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def lawyer_rule(make_staff, office):
    position = PositionFactory(code="lawyer-pos", name="Юрист")
    lawyer = make_staff("lawyer", offices=[office])
    Employee.objects.filter(user=lawyer).update(position=position)
    PayrollRule.objects.create(position=position, salary=Decimal("60000.00"))
    return lawyer


def test_compute_approve_and_payslip_in_the_desk(client, finance, office, lawyer_rule):
    client.force_login(finance)
    page = client.get(reverse("admin:finance_payrollrun_compute"))
    assert page.status_code == 200 and "01.11.2026" in page.content.decode()  # the last whole month offered
    response = client.post(reverse("admin:finance_payrollrun_compute"),
                           {"office": office.pk, "date_from": "01.11.2026", "date_to": "30.11.2026"})
    run = PayrollRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{run.pk}/change/")
    card = client.get(response["Location"]).content.decode()
    assert "Расчётный лист (PDF)" in card and "60\xa0000,00\xa0₽" in card
    assert "Утвердить и провести" in card
    approved = client.post(reverse("admin:finance_payrollrun_approve", args=[run.pk]), {})
    assert approved.status_code == 302, approved.content.decode()[-3000:]
    run.refresh_from_db()
    assert run.status == "approved"
    assert "Утвердить и провести" not in client.get(reverse("admin:finance_payrollrun_change", args=[run.pk])).content.decode()
    again = client.post(reverse("admin:finance_payrollrun_approve", args=[run.pk]), {})
    assert again.status_code in (302, 403)  # no second approval from the desk either
    run.refresh_from_db()
    assert run.status == "approved"
    employee = Employee.objects.get(user=lawyer_rule)
    pdf = client.get(reverse("admin:finance_payrollrun_payslip", args=[run.pk, employee.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_accrual_statistics_with_filters_and_xlsx(client, finance, office, lawyer_rule):
    payroll_compute(actor=finance, office=office, date_from=datetime.date(2026, 11, 1),
                    date_to=datetime.date(2026, 11, 30))
    client.force_login(finance)
    url = reverse("finance_payroll") + "?date_from=01.11.2026&date_to=30.11.2026"
    page = client.get(url).content.decode()
    assert "Начисления зарплаты" in page and "60\xa0000,00\xa0₽" in page
    other = client.get(url + f"&employee={finance.pk}").content.decode()
    assert "60\xa0000,00\xa0₽" not in other  # the finance officer has no rule: nothing accrued
    book = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    values = [c.value for c in book.active[3]]
    assert values[0] == "Москва" and values[-1] == 60000.0


def test_sales_lawyers_and_office_heads_see_nothing_of_payroll(client, make_staff, finance, office, lawyer_rule):
    run = payroll_compute(actor=finance, office=office, date_from=datetime.date(2026, 11, 1),
                          date_to=datetime.date(2026, 11, 30))
    employee_id = PayrollLine.objects.filter(run=run).values_list("employee_id", flat=True).first()
    for role in ("sales", "lawyer", "office_head"):
        client.force_login(make_staff(role, offices=[office]))
        assert client.get(reverse("finance_payroll")).status_code == 403
        assert client.get(reverse("admin:finance_payrollrun_changelist")).status_code == 403
        assert client.get(reverse("admin:finance_payrollrun_payslip", args=[run.pk, employee_id])).status_code == 404
