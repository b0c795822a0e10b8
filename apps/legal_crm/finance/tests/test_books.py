"""The books: finance's entries with documents and reversals, billing's payments and refunds read (not copied),
the detailed report and the analytics, and the reconciliation with billing's ledger — as a property over random
sequences of payments, refunds, advances and entries (hypothesis)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legal_crm.billing.models import LedgerEntry
from legal_crm.billing.services import advance_apply, invoice_issue, payment_refund, payment_register
from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.finance.books import book_rows, book_sums, entry_list_visible_to, reconcile_with_billing
from legal_crm.finance.books_reports import analytics_report, books_report
from legal_crm.finance.models import AccountingEntry, Article
from legal_crm.finance.services.accounting import entry_add, entry_reverse
from legal_crm.finance.tests.files import disguised_exe, pdf_upload

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 20, 9, 0, tzinfo=datetime.UTC)
ZERO = Decimal("0.00")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rent():
    return Article.objects.create(name="Аренда офиса", kind=Article.Kind.EXPENSE)


@pytest.fixture
def other_income():
    return Article.objects.create(name="Проценты банка", kind=Article.Kind.INCOME)


def test_expense_needs_a_real_document(finance, office, rent):
    base = {"actor": finance, "office": office, "article": rent, "occurred_on": datetime.date(2026, 12, 3),
            "amount": "80 000,00", "description": "Аренда за декабрь"}
    with pytest.raises(DomainError) as missing:
        entry_add(**base)
    assert missing.value.code == "document_required" and "document" in missing.value.fields
    with pytest.raises(DomainError) as disguised:
        entry_add(**base, document=disguised_exe())
    assert disguised.value.code == "file_type" and "document" in disguised.value.fields
    assert not AccountingEntry.objects.exists()
    entry = entry_add(**base, document=pdf_upload())
    assert entry.amount == Decimal("80000.00") and entry.document.name.endswith(".pdf")


def test_billing_article_and_bad_amounts_refused(finance, office, other_income):
    billing_article = Article.objects.get(code="client_payments")
    with pytest.raises(DomainError) as from_billing:
        entry_add(actor=finance, office=office, article=billing_article, occurred_on=datetime.date(2026, 12, 3),
                  amount="100", description="Оплата наличными")
    assert from_billing.value.code == "article_from_billing"
    for amount in ("0", "-5", "1,234"):
        with pytest.raises(DomainError):
            entry_add(actor=finance, office=office, article=other_income, occurred_on=datetime.date(2026, 12, 3),
                      amount=amount, description="Проценты")
    with pytest.raises(DomainError) as future:
        entry_add(actor=finance, office=office, article=other_income, occurred_on=datetime.date(2027, 3, 1),
                  amount="10", description="Проценты")
    assert future.value.code == "date_out_of_range"


def test_corrections_are_reversing_entries(finance, office, rent):
    entry = entry_add(actor=finance, office=office, article=rent, occurred_on=datetime.date(2026, 12, 3),
                      amount="80000", description="Аренда", document=pdf_upload())
    with pytest.raises(DomainError) as no_reason:
        entry_reverse(actor=finance, entry=entry, reason="")
    assert no_reason.value.code == "reason_required"
    reversal = entry_reverse(actor=finance, entry=entry, reason="Ошибка в сумме")
    assert (reversal.amount, reversal.occurred_on, reversal.reverses) == (Decimal("-80000.00"), entry.occurred_on,
                                                                          entry)
    entry.refresh_from_db()
    assert entry.amount == Decimal("80000.00")  # the original row is never changed
    for target, code in ((entry, "entry_already_reversed"), (reversal, "entry_is_reversal")):
        with pytest.raises(DomainError) as refused:
            entry_reverse(actor=finance, entry=target, reason="Ещё раз")
        assert refused.value.code == code
    dec = {"date_from": datetime.date(2026, 12, 1), "date_to": datetime.date(2026, 12, 31)}
    assert sum(book_sums(finance, **dec).values(), ZERO) == ZERO
    sources = sorted(r["source"] for r in book_rows(finance, **dec)[0])
    assert sources == ["Внесено вручную", "Сторно"]


def test_detailed_report_and_analytics(finance, office, contract, rent, other_income):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("50000.00"),
                            due_date=datetime.date(2026, 12, 25), issued_on=datetime.date(2026, 11, 1))
    nov = payment_register(actor=finance, invoice=invoice, amount=Decimal("20000.00"), method="cash",
                           paid_at=datetime.datetime(2026, 11, 10, 9, tzinfo=datetime.UTC))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("30000.00"), method="card")
    payment_refund(actor=finance, payment=nov, amount=Decimal("1000.00"), reason="Перерасчёт")
    entry_add(actor=finance, office=office, article=rent, occurred_on=datetime.date(2026, 11, 5), amount="45000",
              description="Аренда за ноябрь", document=pdf_upload())
    entry_add(actor=finance, office=office, article=other_income, occurred_on=datetime.date(2026, 12, 1),
              amount="150", description="Проценты на остаток")
    period = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 12, 31)}
    report = books_report(finance, **period)
    assert len(report["rows"]) == 5
    assert [r["date"] for r in report["rows"]] == sorted((r["date"] for r in report["rows"]), reverse=True)
    refund = next(r for r in report["rows"] if r["source"] == "Возврат")
    assert refund["income"] == Decimal("-1000.00") and refund["expense"] is None
    assert report["totals"]["income"] == Decimal("49150.00") and report["totals"]["expense"] == Decimal("45000.00")
    assert report["notes"] == ["Сверка с биллингом: поступления и возвраты совпадают с журналом проводок."]
    analytics = analytics_report(finance, **period)
    rows = {r["article"]: r for r in analytics["rows"]}
    assert rows["Аренда офиса"]["m0"] == Decimal("45000.00") and rows["Аренда офиса"]["m1"] == ZERO
    assert analytics["totals"]["m0"] == Decimal("-25000.00") and analytics["totals"]["m1"] == Decimal("29150.00")
    assert [b["highlight"] for b in analytics["chart"]] == [True, False]  # the loss-making month
    rent_only = books_report(finance, **period, article=rent)
    assert [r["expense"] for r in rent_only["rows"]] == [Decimal("45000.00")]


def test_books_are_scoped_to_offices(make_staff, roles, office, other_office, contract, other_contract, rent):
    from django.contrib.auth.models import Group

    from legal_crm.org.selectors import ALL_OFFICES_PERM

    finance_group = roles["finance"]
    scoped = Group.objects.create(name="Финансист одного офиса")
    scoped.permissions.set(finance_group.permissions.exclude(codename=ALL_OFFICES_PERM.split(".")[1]))
    local = make_staff("finance", offices=[office])
    local.groups.set([scoped])
    chain = make_staff("finance", offices=[office])  # the shipped group: every office
    mine = entry_add(actor=local, office=office, article=rent, occurred_on=datetime.date(2026, 12, 3),
                     amount="100", description="Моё", document=pdf_upload())
    with pytest.raises(DomainError) as denied:
        entry_add(actor=local, office=other_office, article=rent, occurred_on=datetime.date(2026, 12, 3),
                  amount="100", description="Чужое", document=pdf_upload())
    assert denied.value.code == "access_denied"
    theirs = entry_add(actor=chain, office=other_office, article=rent, occurred_on=datetime.date(2026, 12, 3),
                       amount="200", description="Их", document=pdf_upload())
    with pytest.raises(DomainError):
        entry_reverse(actor=local, entry=theirs, reason="Не моё")
    assert list(entry_list_visible_to(local)) == [mine]
    dec = {"date_from": datetime.date(2026, 12, 1), "date_to": datetime.date(2026, 12, 31)}
    assert {r["office_id"] for r in book_rows(local, **dec)[0]} == {office.pk}
    assert {r["office_id"] for r in book_rows(chain, **dec)[0]} == {office.pk, other_office.pk}


# --- the property: whatever billing does, the books agree with its ledger --------------------------------------

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 3), st.integers(1, 1_600_000), st.sampled_from(["cash", "card"]),
              st.integers(0, 70), st.booleans()),
    st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100)),
    st.tuples(st.just("apply_advance"), st.integers(0, 3)),
    st.tuples(st.just("expense"), st.integers(0, 1), st.integers(1, 1_000_000), st.booleans()),
), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(operations=OPERATIONS, window=st.tuples(st.integers(0, 80), st.integers(0, 80)))
def test_books_always_reconcile_with_billing(finance, office, other_office, operations, window):
    with transaction.atomic():
        _run_and_check(finance, [office, other_office], operations, window)
        transaction.set_rollback(True)  # each example starts from an empty database


def _run_and_check(finance, offices, operations, window):
    rent = Article.objects.get_or_create(name="Аренда офиса", defaults={"kind": Article.Kind.EXPENSE})[0]
    invoices = []
    for index in range(4):
        contract = ContractFactory(office=offices[index % 2])
        invoices.append(invoice_issue(actor=finance, contract=contract, amount=Decimal("15000.00"),
                                      due_date=datetime.date(2027, 1, 31), issued_on=datetime.date(2026, 9, 1)))
    payments, entries = [], []
    for op in operations:
        try:
            if op[0] == "pay":
                _k, i, cents, method, days_ago, as_advance = op
                payments.append(payment_register(
                    actor=finance, invoice=invoices[i], amount=Decimal(cents) / 100, method=method,
                    paid_at=NOW - datetime.timedelta(days=days_ago, hours=cents % 24), as_advance=as_advance))
            elif op[0] == "refund" and payments:
                _k, p, percent = op
                payment = payments[p % len(payments)]
                payment.refresh_from_db()
                left = payment.amount - payment.refunded_amount
                payment_refund(actor=finance, payment=payment, reason="Возврат",
                               amount=max((left * percent / 100).quantize(Decimal("0.01")), Decimal("0.01")))
            elif op[0] == "apply_advance":
                advance_apply(actor=finance, invoice=invoices[op[1]])
            elif op[0] == "expense":
                _k, o, cents, reverse = op
                entry = entry_add(actor=finance, office=offices[o], article=rent, amount=Decimal(cents) / 100,
                                  occurred_on=(NOW - datetime.timedelta(days=cents % 60)).date(),
                                  description="Расход", document=pdf_upload())
                entries.append(entry)
                if reverse:
                    entry_reverse(actor=finance, entry=entry, reason="Ошибка")
        except DomainError:
            pass  # a refusal (overpayment, nothing to refund, no advance) leaves billing as it was
    assert reconcile_with_billing(finance) == []
    start, end = sorted(NOW.date() - datetime.timedelta(days=d) for d in window)
    assert reconcile_with_billing(finance, date_from=start, date_to=end) == []
    everything = {"date_from": datetime.date(2026, 9, 1), "date_to": NOW.date()}
    billing_article = Article.objects.get(code="client_payments")
    sums = book_sums(finance, **everything)
    cash = sum((e.amount for e in LedgerEntry.objects.filter(account="cash")), ZERO)
    assert sum((v for (_o, a, _m), v in sums.items() if a == billing_article.pk), ZERO) == cash
    rows, truncated = book_rows(finance, **everything, limit=None)
    assert not truncated
    for office in offices:  # the detailed rows add up to the same sums as the grouped queries, per office
        assert (sum((r["amount"] for r in rows if r["office_id"] == office.pk), ZERO)
                == sum((v for (o, _a, _m), v in sums.items() if o == office.pk), ZERO))
    expenses = sum((e.amount for e in AccountingEntry.objects.all()), ZERO)
    assert sum((v for (_o, a, _m), v in sums.items() if a == rent.pk), ZERO) == expenses
