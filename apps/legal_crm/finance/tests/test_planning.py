"""Income and expense plans: the states (submit, approve, return with a comment, reopen with a reason), an
approved plan locked until reopened, the audit, office scope, and plan vs fact against the books."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from legal_crm.billing.services import invoice_issue, payment_refund, payment_register
from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.finance.models import Article, BudgetPlan
from legal_crm.finance.plan_fact import plan_fact_report
from legal_crm.finance.services import accounting, planning
from legal_crm.finance.tests.files import pdf_upload

pytestmark = pytest.mark.django_db
DEC = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def office_head(make_staff, office):
    return make_staff("office_head", offices=[office])


@pytest.fixture
def rent():
    return Article.objects.create(name="Аренда офиса", kind=Article.Kind.EXPENSE)


@pytest.fixture
def payments_article():
    return Article.objects.get(code="client_payments")


def _filled(head, office, payments_article, rent, month=DEC):
    plan = planning.plan_create(actor=head, office=office, month=month)
    return planning.plan_lines_save(actor=head, plan=plan, amounts={payments_article.pk: "500 000,00",
                                                                    rent.pk: "80000"})


def test_submit_approve_and_the_approved_plan_is_locked(office_head, finance, office, payments_article, rent):
    plan = _filled(office_head, office, payments_article, rent)
    assert {line.article_id: line.amount for line in plan.lines.all()} == {
        payments_article.pk: Decimal("500000.00"), rent.pk: Decimal("80000.00")}
    planning.plan_submit(actor=office_head, plan=plan)
    with pytest.raises(DomainError) as locked:
        planning.plan_lines_save(actor=office_head, plan=plan, amounts={rent.pk: "1"})
    assert locked.value.code == "plan_locked"
    with pytest.raises(DomainError) as head_approves:
        planning.plan_approve(actor=office_head, plan=plan)  # office heads submit, finance approves
    assert head_approves.value.code == "access_denied"
    planning.plan_approve(actor=finance, plan=plan)
    plan.refresh_from_db()
    assert plan.status == BudgetPlan.Status.APPROVED and plan.approved_by == finance
    for actor in (office_head, finance):
        with pytest.raises(DomainError) as refused:
            planning.plan_lines_save(actor=actor, plan=plan, amounts={rent.pk: "90000"})
        assert refused.value.code == "plan_locked"
    assert plan.lines.get(article=rent).amount == Decimal("80000.00")


def test_reopen_needs_a_reason_and_is_audited(office_head, finance, office, payments_article, rent):
    plan = _filled(office_head, office, payments_article, rent)
    planning.plan_submit(actor=office_head, plan=plan)
    planning.plan_approve(actor=finance, plan=plan)
    with pytest.raises(DomainError) as no_reason:
        planning.plan_reopen(actor=finance, plan=plan, reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(DomainError):
        planning.plan_reopen(actor=office_head, plan=plan, reason="Хочу поправить")  # not the head's right
    planning.plan_reopen(actor=finance, plan=plan, reason="Аренда подорожала с декабря")
    planning.plan_lines_save(actor=office_head, plan=plan, amounts={rent.pk: "95000"})
    actions = [(row.action, (row.after or {}).get("reason")) for row in audit_for(plan).order_by("at", "id")]
    assert [a for a, _r in actions] == ["budget_plan.create", "budget_plan.lines", "budget_plan.submit",
                                        "budget_plan.approve", "budget_plan.reopen", "budget_plan.lines"]
    assert actions[4][1] == "Аренда подорожала с декабря"
    plan.refresh_from_db()
    assert plan.status == BudgetPlan.Status.DRAFT and plan.approved_at is None


def test_return_with_a_comment_then_resubmit(office_head, finance, office, payments_article, rent):
    plan = _filled(office_head, office, payments_article, rent)
    planning.plan_submit(actor=office_head, plan=plan)
    with pytest.raises(DomainError) as no_comment:
        planning.plan_return(actor=finance, plan=plan, comment="")
    assert no_comment.value.code == "reason_required"
    planning.plan_return(actor=finance, plan=plan, comment="Выручка завышена вдвое")
    plan.refresh_from_db()
    assert (plan.status, plan.return_comment) == ("returned", "Выручка завышена вдвое")
    planning.plan_lines_save(actor=office_head, plan=plan, amounts={payments_article.pk: "250000"})
    planning.plan_submit(actor=office_head, plan=plan)
    with pytest.raises(DomainError) as twice:
        planning.plan_submit(actor=office_head, plan=plan)
    assert twice.value.code == "plan_state"
    planning.plan_approve(actor=finance, plan=plan)
    plan.refresh_from_db()
    assert plan.return_comment == "" and plan.status == "approved"


def test_bad_input_refused_whole(office_head, office, payments_article, rent):
    plan = planning.plan_create(actor=office_head, office=office, month=datetime.date(2026, 12, 17))
    assert plan.month == DEC
    with pytest.raises(DomainError) as duplicate:
        planning.plan_create(actor=office_head, office=office, month=DEC)
    assert duplicate.value.code == "plan_exists"
    with pytest.raises(DomainError) as empty:
        planning.plan_submit(actor=office_head, plan=plan)
    assert empty.value.code == "plan_empty"
    with pytest.raises(DomainError) as junk:
        planning.plan_lines_save(actor=office_head, plan=plan, amounts={rent.pk: "100", payments_article.pk: "-5"})
    assert junk.value.fields == {f"article_{payments_article.pk}": junk.value.message}
    assert not plan.lines.exists()  # nothing half-saved


def test_office_head_cannot_plan_for_another_office(office_head, other_office, finance):
    with pytest.raises(DomainError) as refused:
        planning.plan_create(actor=office_head, office=other_office, month=DEC)
    assert refused.value.code == "access_denied"
    theirs = planning.plan_create(actor=finance, office=other_office, month=DEC)
    for call in (lambda: planning.plan_lines_save(actor=office_head, plan=theirs, amounts={}),
                 lambda: planning.plan_submit(actor=office_head, plan=theirs)):
        with pytest.raises(DomainError) as denied:
            call()
        assert denied.value.code == "access_denied"


def test_plan_vs_fact_from_the_books(office_head, finance, office, other_office, contract, other_contract,
                                     payments_article, rent):
    plan = _filled(office_head, office, payments_article, rent)
    planning.plan_submit(actor=office_head, plan=plan)
    planning.plan_approve(actor=finance, plan=plan)
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("300000.00"),
                            due_date=datetime.date(2026, 12, 25), issued_on=datetime.date(2026, 12, 1))
    paid = payment_register(actor=finance, invoice=invoice, amount=Decimal("300000.00"), method="card",
                            paid_at=datetime.datetime(2026, 12, 5, 9, tzinfo=datetime.UTC))
    payment_refund(actor=finance, payment=paid, amount=Decimal("20000.00"), reason="Ошибка в сумме")
    accounting.entry_add(actor=finance, office=office, article=rent, occurred_on=datetime.date(2026, 12, 2),
                         amount="90000", description="Аренда за декабрь", document=pdf_upload())
    theirs = invoice_issue(actor=finance, contract=other_contract, amount=Decimal("7000.00"),
                           due_date=datetime.date(2026, 12, 25), issued_on=datetime.date(2026, 12, 1))
    payment_register(actor=finance, invoice=theirs, amount=Decimal("7000.00"), method="cash")
    dec = {"date_from": DEC, "date_to": datetime.date(2026, 12, 31)}
    report = plan_fact_report(office_head, **dec)
    rows = {r["article"]: r for r in report["rows"]}
    assert set(rows) == {payments_article.name, rent.name}  # the other office's payment is not the head's
    income, expense = rows[payments_article.name], rows[rent.name]
    assert (income["plan"], income["fact"], income["execution"]) == (Decimal("500000.00"), Decimal("280000.00"), 56)
    assert income["_highlight"] and expense["_highlight"]  # income below the plan, expense above it
    assert expense["deviation"] == Decimal("10000.00") and income["status"] == "Утверждён"
    assert report["totals"]["fact"] == Decimal("190000.00") and report["totals"]["plan"] == Decimal("420000.00")
    everyone = {(r["office"], r["article"]) for r in plan_fact_report(finance, **dec)["rows"]}
    assert (other_office.name, payments_article.name) in everyone


def test_submit_and_decision_notify(office_head, finance, office, payments_article, rent, make_staff, other_office):
    from legal_crm.core.models import EventOutbox
    from legal_crm.finance.handlers_notifications import on_plan_decided, on_plan_submitted
    from legal_crm.messaging.models import Notification

    elsewhere = make_staff("finance", offices=[other_office])  # approves plans, but works in another office
    plan = _filled(office_head, office, payments_article, rent)
    planning.plan_submit(actor=office_head, plan=plan)
    assert "finance.plan_submitted" in str(list(EventOutbox.objects.values_list("items", flat=True)))
    on_plan_submitted(plan_id=plan.pk, actor_id=office_head.pk)
    told = Notification.objects.filter(kind="finance.plan_submitted")
    assert [n.user for n in told] == [finance] and elsewhere not in [n.user for n in told]
    planning.plan_return(actor=finance, plan=plan, comment="Мало рекламы")
    on_plan_decided(plan_id=plan.pk, status="returned", comment="Мало рекламы")
    decided = Notification.objects.get(kind="finance.plan_decided")
    assert decided.user == office_head and decided.text == "Мало рекламы" and "возвращён" in decided.title


def test_the_plan_e_mail_carries_the_whole_address(office_head, finance, office, payments_article, rent, settings):
    """«План на согласование» by e-mail: the link is opened from a mail client, so it starts with PUBLIC_URL; the
    bell keeps the desk's path."""
    from legal_crm.finance.handlers_notifications import on_plan_submitted
    from legal_crm.messaging.models import Message, Notification

    settings.PUBLIC_URL = "https://crm.example.ru"
    finance.email = "fin@example.ru"
    finance.save()
    plan = _filled(office_head, office, payments_article, rent)
    planning.plan_submit(actor=office_head, plan=plan)
    on_plan_submitted(plan_id=plan.pk, actor_id=office_head.pk)
    path = f"/admin/finance/reports/plans/{plan.pk}/"
    assert Notification.objects.get(kind="finance.plan_submitted").link == path
    mail = Message.objects.get(kind="email", to="fin@example.ru")
    assert mail.text.startswith("План на согласование") and f"\nhttps://crm.example.ru{path}" in mail.text
