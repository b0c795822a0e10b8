"""Payroll: rules per position, a month computed and explained line by line, approved and posted once."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission

from legal_crm import hooks
from legal_crm.billing.services import invoice_issue, payment_refund, payment_register
from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.finance.models import PayrollKpi, PayrollLine, PayrollRule, PayrollRun
from legal_crm.finance.services import payroll as payroll_service
from legal_crm.finance.services.payroll import payroll_approve, payroll_compute
from legal_crm.org.tests.factories import EmployeeFactory, PositionFactory, UserFactory

pytestmark = pytest.mark.django_db
NOV = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 11, 30)}
PAID = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def positions(db):
    return {code: PositionFactory(code=code, name=name) for code, name in
            [("sales", "Менеджер по продажам"), ("lawyer", "Юрист"), ("office_head", "Руководитель офиса")]}


def _employee(office, position, **extra):
    return EmployeeFactory(user=UserFactory(), main_office=office, offices=[office], position=position, **extra)


def _pay(finance, contract, amount, paid_at=PAID):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal(amount),
                            issued_on=datetime.date(2026, 11, 1), due_date=datetime.date(2026, 11, 30))
    return payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method="cash", paid_at=paid_at)


@pytest.fixture
def staff(office, positions):
    seller = _employee(office, positions["sales"])
    lawyer = _employee(office, positions["lawyer"], hired_on=datetime.date(2026, 11, 16))
    head = _employee(office, positions["office_head"])
    return {"seller": seller, "lawyer": lawyer, "head": head}


@pytest.fixture
def rules(office, positions):
    sales = PayrollRule.objects.create(position=positions["sales"], salary=Decimal("40000.00"),
                                       sales_percent=Decimal("3"), payments_percent=Decimal("2"),
                                       violation_deduction=Decimal("1500.00"))
    PayrollKpi.objects.create(rule=sales, metric="sales_count", threshold=2, bonus=Decimal("10000.00"))
    PayrollKpi.objects.create(rule=sales, metric="sales_count", threshold=5, bonus=Decimal("25000.00"))
    PayrollRule.objects.create(position=positions["lawyer"], salary=Decimal("60000.00"),
                               payments_percent=Decimal("1.5"))
    # the office's own rule for heads wins over the common one
    PayrollRule.objects.create(position=positions["office_head"], salary=Decimal("1.00"))
    PayrollRule.objects.create(position=positions["office_head"], office=office, salary=Decimal("90000.00"),
                               revenue_percent=Decimal("1"))


@pytest.fixture
def november(finance, office, staff, rules):
    """Two contracts sold in November by the seller, one led by the lawyer; 3 payments, a refund; one
    contract signed in October (not a November sale) paid in November."""
    seller, lawyer = staff["seller"].user, staff["lawyer"].user
    first = ContractFactory(office=office, sales_manager=seller, signed_on=datetime.date(2026, 11, 3),
                            price=Decimal("150000.00"))
    first.lawyers.set([lawyer])
    second = ContractFactory(office=office, sales_manager=seller, signed_on=datetime.date(2026, 11, 20),
                             price=Decimal("100000.00"))
    old = ContractFactory(office=office, sales_manager=seller, signed_on=datetime.date(2026, 10, 30),
                          price=Decimal("50000.00"))
    _pay(finance, first, "30000.00")
    _pay(finance, second, "20000.00")
    refunded = _pay(finance, old, "10000.00")
    _pay(finance, old, "5000.00", paid_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC))  # December
    payment_refund(actor=finance, payment=refunded, amount=Decimal("4000.00"), reason="Ошибка суммы",
                   refunded_at=PAID + datetime.timedelta(days=1))
    return {"first": first, "second": second}


def _explained(run, employee):
    return [line.explanation.replace("\xa0", " ")
            for line in PayrollLine.objects.filter(run=run, employee=employee).order_by("id")]


def test_a_month_computed_and_explained_line_by_line(finance, office, staff, november):
    run = payroll_compute(actor=finance, office=office, **NOV)
    assert _explained(run, staff["seller"]) == [
        "Оклад 40 000,00 ₽ в месяц: 40 000,00 ₽ — 30 из 30 дн. периода",
        "3 % от продаж: 7 500,00 ₽ — 2 договора на 250 000,00 ₽",
        "2 % от оплат по договорам: 1 200,00 ₽ — 3 платежа на 60 000,00 ₽",
        "Премия «Подписано договоров не меньше 2»: 10 000,00 ₽ — за период 2",
    ]
    # hired on the 16th: 15 of 30 days; a payment on a contract they lead but did not sell
    assert _explained(run, staff["lawyer"]) == [
        "Оклад 60 000,00 ₽ в месяц: 30 000,00 ₽ — 15 из 30 дн. периода",
        "1,5 % от оплат по договорам: 450,00 ₽ — 1 платёж на 30 000,00 ₽",
    ]
    # the office's own rule; revenue net of the refund: 60 000 − 4 000
    assert _explained(run, staff["head"]) == [
        "Оклад 90 000,00 ₽ в месяц: 90 000,00 ₽ — 30 из 30 дн. периода",
        "1 % от выручки офиса: 560,00 ₽ — выручка 56 000,00 ₽",
    ]
    assert run.employees == 3
    assert run.total == Decimal("58700.00") + Decimal("30450.00") + Decimal("90560.00")


def test_any_period_prorates_the_salary_by_month(finance, office, staff, rules):
    run = payroll_compute(actor=finance, office=office, date_from=datetime.date(2026, 10, 17),
                          date_to=datetime.date(2026, 11, 15))
    # 15 of 31 October days + 15 of 30 November days
    salary = PayrollLine.objects.get(run=run, employee=staff["seller"], kind="salary")
    assert salary.amount == (Decimal("40000") * 15 / 31 + Decimal("20000")).quantize(Decimal("0.01"))
    assert not PayrollLine.objects.filter(run=run, employee=staff["lawyer"]).exists()  # hired after the period


def test_a_repeated_run_gives_the_same_result_and_posts_once(finance, office, staff, november):
    first = payroll_compute(actor=finance, office=office, **NOV)
    lines = list(PayrollLine.objects.filter(run=first).values_list("employee_id", "kind", "amount", "explanation"))
    again = payroll_compute(actor=finance, office=office, **NOV)
    assert again.pk == first.pk and again.total == first.total
    assert list(PayrollLine.objects.filter(run=again).values_list("employee_id", "kind", "amount",
                                                                  "explanation")) == lines
    approved = payroll_approve(actor=finance, run=again)
    assert approved.status == "approved" and approved.posting is not None
    _pay(finance, november["first"], "1000.00")  # a late payment: the approved run does not move
    assert payroll_compute(actor=finance, office=office, **NOV).total == first.total
    with pytest.raises(DomainError) as refused:
        payroll_approve(actor=finance, run=approved)
    assert refused.value.code == "payroll_approved"
    assert PayrollRun.objects.filter(posting__isnull=False).count() == 1


def test_the_posting_event_is_emitted_once(finance, office, staff, november, monkeypatch):
    sent = []
    monkeypatch.setattr(payroll_service, "emit", lambda event, **payload: sent.append((event, payload)))
    run = payroll_compute(actor=finance, office=office, **NOV)
    payroll_approve(actor=finance, run=run)
    with pytest.raises(DomainError):
        payroll_approve(actor=finance, run=run)
    run.refresh_from_db()
    assert sent == [("finance.payroll_posted", {
        "run_id": run.pk, "office_id": office.pk, "posting": str(run.posting), "amount": str(run.total),
        "date_from": "2026-11-01", "date_to": "2026-11-30"})]


def test_violations_are_deducted_through_the_hook(finance, office, staff, rules, monkeypatch):
    seller, lawyer = staff["seller"], staff["lawyer"]
    calls = []

    def violations(employee_ids, period):  # quality.selectors.violations_for_payroll's contract
        calls.append((sorted(employee_ids), period))
        return {seller.pk: {"amount": Decimal("3000.00"), "points": 4, "count": 2, "violation_ids": [7, 9],
                            "pending": 1},
                lawyer.pk: {"amount": Decimal("0.00"), "points": 1, "count": 1, "violation_ids": [8],
                            "pending": 0}}

    monkeypatch.setattr(hooks, "PAYROLL_VIOLATIONS", "legal_crm.finance.tests.test_payroll.VIOLATIONS")
    monkeypatch.setitem(globals(), "VIOLATIONS", violations)
    run = payroll_compute(actor=finance, office=office, **NOV)
    assert _explained(run, seller)[-1] == \
        "Удержание за нарушения: −3 000,00 ₽ — 2 нарушения (ещё 1 на обжаловании — не удержано)"
    # the lawyer's rule has no deduction per violation and the violation none of its own: nothing deducted
    assert not PayrollLine.objects.filter(run=run, employee=lawyer, kind="deduction").exists()
    PayrollRule.objects.filter(position=lawyer.position).update(violation_deduction=Decimal("700.00"))
    run = payroll_compute(actor=finance, office=office, **NOV)
    assert _explained(run, lawyer)[-1] == "Удержание за нарушения: −700,00 ₽ — 1 нарушение"
    assert calls[0] == (sorted(e.pk for e in staff.values()), (NOV["date_from"], NOV["date_to"]))


def test_quality_violations_are_deducted_once_they_count(finance, office, staff, rules):
    """The shipped hook reads quality's violations: recorded or upheld deduct, a pending appeal or a cancelled
    one does not."""
    from legal_crm.quality.models import Violation
    from legal_crm.quality.tests.factories import violation_rule

    seller = staff["seller"].user
    rule = violation_rule(name="Грубость клиенту")
    for day, status, amount in ((3, "recorded", Decimal("3000.00")), (4, "upheld", None),
                                (5, "appealed", Decimal("900.00")), (6, "cancelled", Decimal("800.00"))):
        Violation.objects.create(offender=seller, office=office, rule=rule, day=NOV["date_from"].replace(day=day),
                                 status=status, amount=amount)
    run = payroll_compute(actor=finance, office=office, **NOV)
    assert _explained(run, staff["seller"])[-1] == \
        "Удержание за нарушения: −3 000,00 ₽ — 2 нарушения (ещё 1 на обжаловании — не удержано)"


def test_without_a_violations_module_nothing_is_deducted(finance, office, staff, rules, monkeypatch):
    monkeypatch.setattr(hooks, "PAYROLL_VIOLATIONS", None)
    run = payroll_compute(actor=finance, office=office, **NOV)
    assert not PayrollLine.objects.filter(run=run, kind="deduction").exists()


def test_a_run_with_nobody_to_pay_is_not_approved(finance, office, staff):
    empty = payroll_compute(actor=finance, office=office, **NOV)  # no rules for any position
    assert empty.employees == 0
    with pytest.raises(DomainError) as nothing:
        payroll_approve(actor=finance, run=empty)
    assert nothing.value.code == "payroll_empty"


def test_refusals_and_office_scope(finance, make_staff, office, other_office, staff, rules):
    with pytest.raises(DomainError) as wrong:
        payroll_compute(actor=finance, office=office, date_from=NOV["date_to"], date_to=NOV["date_from"])
    assert wrong.value.code == "invalid_period"
    # a payroll clerk of one office (finance staff see every office)
    clerk_group = Group.objects.create(name="Расчётчик офиса")
    clerk_group.permissions.add(Permission.objects.get(codename="add_payrollrun"))
    clerk = EmployeeFactory(user=UserFactory(groups=[clerk_group]), main_office=office, offices=[office]).user
    assert payroll_compute(actor=clerk, office=office, **NOV).employees == 3
    with pytest.raises(DomainError) as scope:
        payroll_compute(actor=clerk, office=other_office, **NOV)
    assert scope.value.code == "access_denied"
    for role in ("sales", "lawyer", "office_head"):
        with pytest.raises(DomainError) as denied:
            payroll_compute(actor=make_staff(role, offices=[office]), office=office, **NOV)
        assert denied.value.code == "access_denied"


def test_an_approved_run_is_one_expense_in_the_books(finance, office, staff, november,
                                                     django_capture_on_commit_callbacks):
    from legal_crm.finance.handlers_books import on_payroll_posted
    from legal_crm.finance.models import AccountingEntry, Article
    from legal_crm.finance.services.accounting import entry_add

    run = payroll_compute(actor=finance, office=office, **NOV)
    with django_capture_on_commit_callbacks(execute=True):
        payroll_approve(actor=finance, run=run)
    run.refresh_from_db()
    [entry] = AccountingEntry.objects.filter(source_key=f"payroll:{run.posting}")
    assert (entry.office, entry.article.code, entry.occurred_on, entry.amount) == (
        office, "payroll", NOV["date_to"], run.total)
    assert entry.description == f"Зарплата за 01.11.2026–30.11.2026 (расчёт № {run.pk})"
    # the event delivered again posts nothing twice
    on_payroll_posted(run_id=run.pk, office_id=office.pk, posting=str(run.posting), amount=str(run.total),
                      date_from="2026-11-01", date_to="2026-11-30")
    assert AccountingEntry.objects.filter(article__code="payroll").count() == 1
    # and nobody enters payroll by hand on its article
    with pytest.raises(DomainError) as by_hand:
        entry_add(actor=finance, office=office, article=Article.objects.get(code="payroll"),
                  occurred_on=NOV["date_to"], amount="100.00", description="Премия")
    assert by_hand.value.code == "article_from_billing"
