"""The desk pages of plans, plan vs fact, the books and their analytics: who opens what (item 10: finance
everything of its offices, office heads their office's plans, sales and lawyers nothing of the books), the plan
card's buttons, entering an expense with its document, reversing, XLSX, and other offices' ids answering 404."""

import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.finance.models import AccountingEntry, Article, BudgetPlan
from legal_crm.finance.services import accounting, planning
from legal_crm.finance.tests.files import disguised_exe, pdf_upload

pytestmark = pytest.mark.django_db
DEC = datetime.date(2026, 12, 1)
PAGES = ["finance_plans", "finance_plan_fact", "finance_books", "finance_analytics", "finance_entry_add"]


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


def test_who_opens_what(client, make_staff, finance, office_head):
    expected = {
        finance: {name: 200 for name in PAGES},
        office_head: {"finance_plans": 200, "finance_plan_fact": 200, "finance_books": 403,
                      "finance_analytics": 403, "finance_entry_add": 403},
        make_staff("sales"): {name: 403 for name in PAGES},
        make_staff("lawyer"): {name: 403 for name in PAGES},
    }
    for user, pages in expected.items():
        client.force_login(user)
        got = {name: client.get(reverse(name)).status_code for name in pages}
        assert got == pages, user.groups.first().name


def test_plan_card_flow_in_the_desk(client, office_head, finance, office, rent):
    client.force_login(office_head)
    created = client.post(reverse("finance_plans"), {"office": office.pk, "month": "12.2026"})
    plan = BudgetPlan.objects.get(office=office, month=DEC)
    assert created.status_code == 302 and created["Location"] == reverse("finance_plan", args=[plan.pk])
    card = reverse("finance_plan", args=[plan.pk])
    bad = client.post(card, {"action": "save", f"article_{rent.pk}": "сто"})
    assert bad.status_code == 200 and "не сумма" in bad.content.decode()
    client.post(card, {"action": "submit", f"article_{rent.pk}": "75 000"})
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.lines.get().amount == Decimal("75000.00")
    page = client.get(card).content.decode()
    assert "На согласовании" in page and 'value="approve"' not in page and f'name="article_{rent.pk}"' not in page
    client.force_login(finance)
    returned = client.post(card, {"action": "return", "comment": ""})
    assert "Напишите, что исправить" in returned.content.decode()
    client.post(card, {"action": "return", "comment": "Аренда по договору 70 000"})
    client.force_login(office_head)
    assert "Аренда по договору 70 000" in client.get(card).content.decode()
    client.post(card, {"action": "submit", f"article_{rent.pk}": "70000"})
    client.force_login(finance)
    client.post(card, {"action": "approve"})
    plan.refresh_from_db()
    assert plan.status == "approved"
    client.force_login(office_head)
    locked = client.post(card, {"action": "save", f"article_{rent.pk}": "1"})
    assert locked.status_code == 200 and "финансист должен открыть его заново" in locked.content.decode()
    assert plan.lines.get().amount == Decimal("70000.00")
    history = client.get(card).content.decode()
    assert "План утверждён" in history and "План возвращён на доработку" in history


def test_other_offices_ids_answer_404(client, make_staff, roles, office_head, finance, office, other_office, rent):
    from django.contrib.auth.models import Group

    from legal_crm.org.selectors import ALL_OFFICES_PERM

    theirs_plan = planning.plan_create(actor=finance, office=other_office, month=DEC)
    theirs_entry = accounting.entry_add(actor=finance, office=other_office, article=rent, amount="100",
                                        occurred_on=DEC, description="Их аренда", document=pdf_upload())
    scoped = Group.objects.create(name="Финансист одного офиса")
    scoped.permissions.set(roles["finance"].permissions.exclude(codename=ALL_OFFICES_PERM.split(".")[1]))
    local_finance = make_staff("finance", offices=[office])
    local_finance.groups.set([scoped])
    client.force_login(office_head)
    assert client.get(reverse("finance_plan", args=[theirs_plan.pk])).status_code == 404
    assert client.post(reverse("finance_plan", args=[theirs_plan.pk]),
                       {"action": "submit"}).status_code == 404
    created = client.post(reverse("finance_plans"), {"office": other_office.pk, "month": "01.2027"})
    assert created.status_code == 200 and not BudgetPlan.objects.filter(office=other_office, month__year=2027)
    client.force_login(local_finance)
    for name in ("finance_entry_document", "finance_entry_reverse"):
        assert client.get(reverse(name, args=[theirs_entry.pk])).status_code == 404, name
    assert client.post(reverse("finance_entry_reverse", args=[theirs_entry.pk]),
                       {"reason": "Не моё"}).status_code == 404
    assert client.post(reverse("finance_plan", args=[theirs_plan.pk]), {"action": "approve"}).status_code == 404
    books = client.get(reverse("finance_books"), {"date_from": "01.12.2026", "date_to": "31.12.2026"})
    assert "Их аренда" not in books.content.decode()
    assert not AccountingEntry.objects.filter(reverses=theirs_entry).exists()


def test_expense_with_document_reverse_and_xlsx(client, finance, office, contract, rent):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1234567.89"),
                            due_date=datetime.date(2026, 12, 25), issued_on=DEC)
    payment_register(actor=finance, invoice=invoice, amount=Decimal("1234567.89"), method="card")
    client.force_login(finance)
    form = {"office": office.pk, "article": rent.pk, "occurred_on": "02.12.2026", "amount": "80 000,00",
            "description": "Аренда за декабрь"}
    refused = client.post(reverse("finance_entry_add"), {**form, "document": disguised_exe()})
    assert refused.status_code == 200 and "не похож на документ" in refused.content.decode()
    assert client.post(reverse("finance_entry_add"), {**form, "document": pdf_upload()}).status_code == 302
    entry = AccountingEntry.objects.get()
    document = client.get(reverse("finance_entry_document", args=[entry.pk]))
    assert document.status_code == 200 and b"".join(document.streaming_content).startswith(b"%PDF-")
    period = {"date_from": "01.12.2026", "date_to": "31.12.2026"}
    page = client.get(reverse("finance_books"), period).content.decode()
    assert "1\xa0234\xa0567,89\xa0₽" in page and "80\xa0000,00\xa0₽" in page  # Russian format, unbroken
    assert "совпадают с журналом проводок" in page
    assert reverse("finance_entry_reverse", args=[entry.pk]) in page
    client.post(reverse("finance_entry_reverse", args=[entry.pk]), {"reason": "Не та сумма"})
    assert AccountingEntry.objects.get(reverses=entry).amount == Decimal("-80000.00")
    for name in ("finance_books", "finance_analytics", "finance_plan_fact"):
        response = client.get(reverse(name), {**period, "export": "xlsx"})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        assert 1234567.89 in values, name
    long_period = {"date_from": "01.01.2024", "date_to": "31.12.2026", "export": "xlsx"}
    wide = load_workbook(io.BytesIO(client.get(reverse("finance_analytics"), long_period).content)).active
    assert wide.max_column == 36 + 3  # article, kind, 36 months, total: columns past Z are named AA, AB…


def test_articles_reference_table(client, finance, office_head):
    client.force_login(finance)
    added = client.post(reverse("admin:finance_article_add"), {"name": "Связь", "kind": "expense",
                                                                "is_active": "on"})
    assert added.status_code == 302 and Article.objects.filter(name="Связь", kind="expense").exists()
    billing_article = Article.objects.get(code="client_payments")
    form = client.get(reverse("admin:finance_article_change", args=[billing_article.pk])).content.decode()
    assert 'name="kind"' not in form  # payments are an income: the billing article's kind is fixed
    assert client.get(reverse("admin:finance_article_delete", args=[billing_article.pk])).status_code == 403
    client.force_login(office_head)
    assert client.get(reverse("admin:finance_article_changelist")).status_code == 200
    assert client.get(reverse("admin:finance_article_add")).status_code == 403
