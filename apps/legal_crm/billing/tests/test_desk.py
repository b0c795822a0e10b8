import datetime
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from legal_crm.billing import printing, selectors
from legal_crm.billing.models import Invoice, Payment
from legal_crm.billing.services import invoice_issue, payment_register, schedule_create
from legal_crm.navigation import visible_sections

from .factories import ContractFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def invoice(finance, contract):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("12500.50"),
                         due_date=timezone.localdate() + datetime.timedelta(days=3))


def test_invoice_list_is_scoped_to_offices(client, make_staff, office, other_office, finance, invoice):
    other = ContractFactory(office=other_office)
    hidden = invoice_issue(actor=finance, contract=other, amount="100")
    sales = make_staff("sales", offices=[office])
    someone_elses = invoice_issue(actor=finance, contract=ContractFactory(office=office), amount="200")
    invoice.contract.sales_manager = sales
    invoice.contract.save(update_fields=["sales_manager"])
    client.force_login(sales)
    page = client.get(reverse("admin:billing_invoice_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    assert invoice.number in body and hidden.number not in body
    assert someone_elses.number not in body  # same office, another manager's contract
    assert client.get(reverse("admin:billing_invoice_change", args=[hidden.pk])).status_code in (302, 404)
    client.force_login(finance)
    body = client.get(reverse("admin:billing_invoice_changelist") + "?status__exact=issued").content.decode()
    assert invoice.number in body and hidden.number in body


def test_filters_render(client, finance, invoice, office):
    client.force_login(finance)
    url = reverse("admin:billing_invoice_changelist")
    for query in ("?kind__exact=one_off", f"?contract__office__id__exact={office.pk}", "?is_overdue__exact=1",
                  "?issued_on_from=01.01.2026&issued_on_to=31.12.2030"):
        assert client.get(url + query).status_code == 200
    assert client.get(reverse("admin:billing_payment_changelist") + "?method__exact=cash").status_code == 200
    for name in ("subscription", "instalmentschedule", "ledgerentry"):
        assert client.get(reverse(f"admin:billing_{name}_changelist")).status_code == 200


def test_pressing_accept_payment_twice_registers_one_payment(client, sales, invoice):
    import re

    client.force_login(sales)
    url = reverse("admin:billing_invoice_pay", args=[invoice.pk])
    token = re.search(r'name="submission" value="([0-9a-f]+)"', client.get(url).content.decode()).group(1)
    today = timezone.localdate().strftime("%d.%m.%Y")
    wrong = {"amount": "999999", "method": "cash", "paid_on": today, "submission": token}
    assert client.post(url, wrong).status_code == 200  # refused by the service: the same form may be sent again
    data = {"amount": "100", "method": "cash", "paid_on": today, "submission": token}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data, follow=True)
    assert "уже отправлена" in second.content.decode()
    assert Payment.objects.count() == 1
    for bad_day in ("01.01.1900", (timezone.localdate() + datetime.timedelta(days=2)).strftime("%d.%m.%Y")):
        response = client.post(url, {**data, "paid_on": bad_day, "submission": "other"})
        assert response.status_code == 200 and Payment.objects.count() == 1


def test_register_payment_page(client, sales, invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(sales)
    url = reverse("admin:billing_invoice_pay", args=[invoice.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "12\u00a0500,50\u00a0₽" in page.content.decode()
    too_much = client.post(url, {"amount": "20000", "method": "cash", "paid_on": timezone.localdate().strftime("%d.%m.%Y")})
    assert too_much.status_code == 200
    assert "больше суммы к оплате" in too_much.content.decode()
    done = client.post(url, {"amount": "500,50", "method": "bank_transfer", "external_ref": "ПП-1",
                             "paid_on": timezone.localdate().strftime("%d.%m.%Y"),
                             "document": SimpleUploadedFile("pp.pdf", PDF)})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("500.50") and invoice.status == "partially_paid"
    payment = Payment.objects.get()
    assert payment.document and payment.created_by == sales
    change = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    assert "ПП-1" in change


def test_lawyer_sees_invoices_but_cannot_pay(client, make_staff, invoice):
    lawyer = make_staff("lawyer")
    client.force_login(lawyer)
    assert client.get(reverse("admin:billing_invoice_changelist")).status_code == 200
    assert client.get(reverse("admin:billing_invoice_pay", args=[invoice.pk])).status_code == 403
    assert client.get(reverse("admin:billing_payment_changelist")).status_code == 403


def test_issue_cancel_and_refund_pages(client, finance, contract):
    client.force_login(finance)
    due = f"{timezone.localdate() + datetime.timedelta(days=10):%d.%m.%Y}"  # a fixed date would pass one day
    url = reverse("admin:billing_invoice_issue")
    assert contract.number in client.get(url + f"?contract={contract.pk}").content.decode()
    response = client.post(url, {"contract_number": contract.number, "kind": "deposit", "amount": "25000",
                                 "due_date": due, "purpose": ""})
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.kind == "deposit" and invoice.purpose.startswith("Депозит")
    bad = client.post(url, {"contract_number": "НЕТ-ТАКОГО", "kind": "one_off", "amount": "1", "due_date": due})
    assert "не найден" in bad.content.decode()
    payment_register(actor=finance, invoice=invoice, amount="25000", method="cash")
    refused = client.post(reverse("admin:billing_invoice_cancel", args=[invoice.pk]), {"reason": "Ошибка"})
    assert "сначала оформите возврат" in refused.content.decode()
    payment = Payment.objects.get()
    refund = client.post(reverse("admin:billing_payment_refund", args=[payment.pk]),
                         {"amount": "25000", "reason": "Расторжение договора"})
    assert refund.status_code == 302
    assert "Расторжение договора" in client.get(reverse("admin:billing_payment_change", args=[payment.pk])).content.decode()
    assert client.post(reverse("admin:billing_invoice_cancel", args=[invoice.pk]), {"reason": "Ошибка"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"


def test_attach_document_page_refuses_fakes(client, finance, invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payment = payment_register(actor=finance, invoice=invoice, amount="100", method="cash")
    client.force_login(finance)
    url = reverse("admin:billing_payment_attach_document", args=[payment.pk])
    bad = client.post(url, {"document": SimpleUploadedFile("scan.pdf", b"MZ\x90 not a pdf")})
    assert "не соответствует" in bad.content.decode()
    assert client.post(url, {"document": SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n....")}).status_code == 302


def test_schedule_page(client, sales, contract):
    client.force_login(sales)
    response = client.post(reverse("admin:billing_instalmentschedule_create_schedule"),
                           {"contract_number": contract.number, "months": "10", "first_due_date": "05.01.2030",
                            "total": ""})
    assert response.status_code == 302
    schedule = contract.schedules.get()
    assert schedule.items.count() == 10
    page = client.get(reverse("admin:billing_instalmentschedule_change", args=[schedule.pk])).content.decode()
    assert "Выставить сейчас" in page
    response = client.post(reverse("admin:billing_instalmentschedule_issue_item", args=[schedule.pk]))
    assert response.status_code == 302
    assert schedule.items.filter(invoice__isnull=False).count() == 1


def test_money_tab_renders_both_ways(rf: RequestFactory, finance, contract, invoice):
    payment_register(actor=finance, invoice=invoice, amount="2500.50", method="card")
    schedule_create(actor=finance, contract=contract, months=10, first_due_date=datetime.date(2030, 1, 5))
    context = selectors.contract_money_context(contract)
    assert context["balance"]["paid"] == Decimal("2500.50")
    assert context["balance"]["due"] == Decimal("10000.00")
    request = rf.get("/")
    request.user = finance
    merged = render_to_string("billing/contract_money_tab.html", context, request=request)
    nested = render_to_string("billing/contract_money_tab.html", {"money": context}, request=request)
    only_contract = render_to_string("billing/contract_money_tab.html", {"contract": contract}, request=request)
    for html in (merged, nested, only_contract):
        assert invoice.number in html and "2\u00a0500,50\u00a0₽" in html and "Принять оплату" in html
        assert "15\u00a0000,00\u00a0₽" in html  # schedule item
    empty = render_to_string("billing/contract_money_tab.html",
                             selectors.contract_money_context(ContractFactory(office=contract.office)))
    assert "Счетов пока нет" in empty and "Выставить счёт</a>" not in empty


def test_contract_paid_total_and_balance(finance, contract, invoice):
    assert selectors.contract_paid_total(contract) == 0
    payment_register(actor=finance, invoice=invoice, amount="12500.50", method="cash")
    assert selectors.contract_paid_total(contract) == Decimal("12500.50")
    late = invoice_issue(actor=finance, contract=contract, amount="1000", issued_on=datetime.date(2026, 1, 1),
                         due_date=datetime.date(2026, 1, 5))
    balance = selectors.contract_balance(contract)
    assert balance["overdue"] == Decimal("1000.00") and balance["due"] == Decimal("1000.00")
    assert balance["invoiced"] == Decimal("13500.50") and balance["not_invoiced"] == Decimal("136499.50")
    assert late.status == "issued"


def test_invoice_pdf_has_cyrillic_text(client, finance, invoice, tmp_path):
    office = invoice.contract.office
    office.legal_name = "ООО «Юридическая защита»"
    office.inn = "7830002293"
    office.save()
    pdf = printing.invoice_pdf(Invoice.objects.select_related("contract__office").get(pk=invoice.pk))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert f"Счёт на оплату № {invoice.number}" in text
    assert "ООО «Юридическая защита»" in text and "12 500,50 ₽" in text.replace("\u00a0", " ")
    assert "Двенадцать тысяч пятьсот рублей 50 копеек" in " ".join(text.split())
    client.force_login(finance)
    response = client.get(reverse("admin:billing_invoice_print_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_navigation_shows_finance_section_to_finance_only(make_staff):
    finance = make_staff("finance")
    lawyer = make_staff("lawyer")
    titles = {s["title"]: [i["model"] for i in s["items"] if "model" in i] for s in visible_sections(finance)}
    assert "billing.Payment" in titles["Финансы"]
    lawyer_titles = {s["title"]: [i.get("model") for i in s["items"]] for s in visible_sections(lawyer)}
    assert lawyer_titles.get("Финансы") == ["billing.Invoice"]


def test_the_payment_form_tells_how_certificates_and_bonuses_pay(client, sales, invoice):
    """The finance module keeps their balances (hooks.PAYMENT_METHOD_PROVIDERS): the form says how to use them,
    not that they «будут доступны» some day."""
    client.force_login(sales)
    page = client.get(reverse("admin:billing_invoice_pay", args=[invoice.pk])).content.decode()
    assert "укажите его номер" in page and "бонусного счёта клиента" in page
    assert "будут доступны" not in page


def test_an_overdue_invoice_says_so_in_its_status_cell(client, finance, invoice):
    """The list has no column of its own for the delay (it kept the row's «Принять оплату» off a 1366 px screen):
    the status cell carries both labels, and the filter still finds the overdue ones."""
    from legal_crm.billing.jobs import mark_overdue_invoices

    mark_overdue_invoices(today=invoice.due_date + datetime.timedelta(days=1))
    client.force_login(finance)
    url = reverse("admin:billing_invoice_changelist")
    body = client.get(url + "?is_overdue__exact=1").content.decode()
    assert invoice.number in body
    cell = body.split('class="field-status_badge', 1)[1].split("</td>", 1)[0]
    assert "Выставлен" in cell and "просрочен" in cell
    assert "field-overdue_badge" not in body
    on_time = client.get(url + "?is_overdue__exact=0").content.decode()
    assert invoice.number not in on_time


def test_a_long_unbroken_purpose_wraps_inside_the_invoices_table(invoice, tmp_path):
    """A purpose of one 300-letter word broke out of its cell and pushed the kind, the amount and the total off the
    printed page; it now breaks inside the cell, and every word stays within the page."""
    Invoice.objects.filter(pk=invoice.pk).update(purpose="Я" * 300)
    pdf = printing.invoice_pdf(Invoice.objects.select_related("contract__office").get(pk=invoice.pk))
    path = tmp_path / "invoice.pdf"
    path.write_bytes(pdf)
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True,
                           text=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)
    assert words and max(float(x) for x, _word in words) <= page_width
    text = " ".join(word for _x, word in words)
    assert "Сумма" in text and "12" in text and "500,50" in text
