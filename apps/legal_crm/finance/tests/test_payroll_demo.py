"""Issue #16, done when: a payroll month for the demo offices is computed, explained and approved (CI runs it on
MariaDB). The demo organisation, its positions' rules (finance's demo) and a month of a demo seller's work."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.models import User
from legal_crm.finance import demo as finance_demo
from legal_crm.finance.models import PayrollLine, PayrollRun
from legal_crm.finance.services.payroll import payroll_approve, payroll_compute
from legal_crm.org import demo as org_demo
from legal_crm.org.models import Employee, Office

pytestmark = pytest.mark.django_db
NOV = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 11, 30)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def test_a_demo_payroll_month_computed_explained_and_approved(roles):
    org_demo.seed()
    finance = User.objects.get(username="finance")
    seller = User.objects.get(username="sales")
    msk = Office.objects.get(code="msk")
    sold = ContractFactory(office=msk, sales_manager=seller, signed_on=datetime.date(2026, 11, 5),
                           price=Decimal("150000.00"))
    invoice = invoice_issue(actor=finance, contract=sold, amount=Decimal("50000.00"),
                            issued_on=datetime.date(2026, 11, 5), due_date=datetime.date(2026, 11, 20))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("50000.00"), method="cash",
                     paid_at=datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC))
    finance_demo.seed()
    finance_demo.seed()  # idempotent: the rules once, the unapproved runs recomputed to the same lines
    offices = list(Office.objects.filter(code__in=["msk", "ekb", "nsk"]))
    assert PayrollRun.objects.filter(**NOV, status="calculated").count() == len(offices)
    for office in offices:
        run = payroll_compute(actor=finance, office=office, **NOV)
        staff = Employee.objects.filter(main_office=office, position__isnull=False)
        assert run.employees == staff.count() > 0
        salaries = PayrollLine.objects.filter(run=run, kind="salary")
        assert salaries.count() == run.employees
        assert all(" — 30 из 30 дн. периода" in line.explanation for line in salaries)
        assert run.total == sum(PayrollLine.objects.filter(run=run).values_list("amount", flat=True))
        approved = payroll_approve(actor=finance, run=run)
        assert approved.status == "approved" and approved.posting is not None
    seller_lines = [line.explanation.replace("\xa0", " ") for line in
                    PayrollLine.objects.filter(run__office=msk, employee__user=seller).order_by("id")]
    assert seller_lines == [
        "Оклад 40 000,00 ₽ в месяц: 40 000,00 ₽ — 30 из 30 дн. периода",
        "3 % от продаж: 4 500,00 ₽ — 1 договор на 150 000,00 ₽",
        "2 % от оплат по договорам: 1 000,00 ₽ — 1 платёж на 50 000,00 ₽",
    ]
    head_lines = PayrollLine.objects.filter(run__office=msk, employee__user__username="office_head")
    assert head_lines.get(kind="revenue").explanation.replace("\xa0", " ") == \
        "1 % от выручки офиса: 500,00 ₽ — выручка 50 000,00 ₽"
    finance_demo.seed()  # approved runs are left as they are
    assert PayrollRun.objects.filter(**NOV, status="approved").count() == len(offices)
