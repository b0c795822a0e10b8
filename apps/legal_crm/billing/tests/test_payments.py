import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legal_crm.billing import selectors
from legal_crm.billing.models import Invoice, LedgerEntry, Payment
from legal_crm.billing.services import (
    advance_apply,
    invoice_cancel,
    invoice_issue,
    payment_attach_document,
    payment_refund,
    payment_register,
)
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog

from .helpers import assert_reconciled

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def invoice(finance, contract):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"),
                         due_date=timezone.localdate() + datetime.timedelta(days=5))


def pay(actor, invoice, amount, **kw):
    kw.setdefault("method", "cash")
    return payment_register(actor=actor, invoice=invoice, amount=amount, **kw)


def test_partial_then_full_payment_moves_status(finance, invoice):
    pay(finance, invoice, Decimal("4000.00"))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.paid_amount == Decimal("4000.00")
    pay(finance, invoice, "6 000,00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.due_amount == 0
    sums = assert_reconciled(invoice.contract)
    assert sums == {"cash": Decimal("10000.00"), "invoice": Decimal("10000.00"), "advance": Decimal("0.00")}
    assert AuditLog.objects.filter(action="payment.register").count() == 2


@pytest.mark.parametrize("amount, code", [
    (Decimal("0"), "amount_not_positive"),
    (Decimal("-100.00"), "amount_not_positive"),
    ("-5", "amount_not_positive"),
    (100.5, "amount_float"),
    (Decimal("10.001"), "amount_precision"),
    ("сто рублей", "amount_invalid"),
    (None, "amount_invalid"),
    (Decimal("NaN"), "amount_invalid"),
])
def test_bad_amounts_are_refused(finance, invoice, amount, code):
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, amount)
    assert err.value.code == code
    assert err.value.fields["amount"]
    assert Payment.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_float_message_is_russian(finance, invoice):
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, 1500.0)
    assert "плавающей точкой" in err.value.message


def test_overpayment_is_refused_without_advance(finance, invoice):
    pay(finance, invoice, Decimal("9000.00"))
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("1000.01"))
    assert err.value.code == "overpayment"
    assert "1\u00a0000,00\u00a0₽" in err.value.message
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("9000.00")
    assert_reconciled(invoice.contract)


def test_overpayment_accepted_as_advance_and_applied_to_next_invoice(finance, invoice, contract):
    payment = pay(finance, invoice, Decimal("13000.00"), as_advance=True)
    assert payment.advance_amount == Decimal("3000.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid_amount == Decimal("10000.00")
    assert selectors.contract_advance(contract) == Decimal("3000.00")
    second = invoice_issue(actor=finance, contract=contract, amount=Decimal("5000.00"))
    credited = advance_apply(actor=finance, invoice=second)
    assert credited == Decimal("3000.00")
    second.refresh_from_db()
    assert second.status == Invoice.Status.PARTIALLY_PAID and second.paid_amount == Decimal("3000.00")
    assert selectors.contract_advance(contract) == 0
    with pytest.raises(DomainError) as err:
        advance_apply(actor=finance, invoice=second)
    assert err.value.code == "no_advance"
    sums = assert_reconciled(contract)
    assert sums["cash"] == Decimal("13000.00")


def test_paying_a_cancelled_invoice_is_refused(finance, invoice):
    invoice_cancel(actor=finance, invoice=invoice, reason="Выставлен ошибочно")
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("100.00"))
    assert err.value.code == "invoice_cancelled"
    assert "отменён" in err.value.message


def test_cancel_refused_once_paid(finance, invoice):
    pay(finance, invoice, Decimal("1.00"))
    with pytest.raises(DomainError) as err:
        invoice_cancel(actor=finance, invoice=invoice, reason="Передумали")
    assert err.value.code == "invoice_has_payments"
    with pytest.raises(DomainError) as err:
        invoice_cancel(actor=finance, invoice=invoice, reason="  ")
    assert err.value.code == "reason_required"


def test_duplicate_reference_is_idempotent_or_refused(finance, invoice, contract):
    first = pay(finance, invoice, Decimal("2000.00"), method="bank_transfer", external_ref="ПП-77")
    again = pay(finance, invoice, Decimal("2000.00"), method="bank_transfer", external_ref=" ПП-77 ")
    assert again.pk == first.pk and again.replayed is True
    assert Payment.objects.count() == 1
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("2500.00"), method="bank_transfer", external_ref="ПП-77")
    assert err.value.code == "duplicate_reference"
    assert "ПП-77" in err.value.message
    other = invoice_issue(actor=finance, contract=contract, amount=Decimal("2000.00"))
    with pytest.raises(DomainError) as err:
        pay(finance, other, Decimal("2000.00"), method="bank_transfer", external_ref="ПП-77")
    assert err.value.code == "duplicate_reference"
    # the same number from another channel is a different document
    pay(finance, other, Decimal("2000.00"), method="card", external_ref="ПП-77")
    sums = assert_reconciled(contract)
    assert sums["cash"] == Decimal("4000.00")


@pytest.mark.parametrize("method", ["certificate", "bonus"])
def test_certificate_and_bonus_wait_for_finance_module(finance, invoice, method, monkeypatch):
    from legal_crm import hooks

    monkeypatch.setattr(hooks, "PAYMENT_METHOD_PROVIDERS", {})  # a build without the finance module
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("100.00"), method=method)
    assert err.value.code == "method_unavailable"
    assert "будет доступна в модуле финансов" in err.value.message


def test_unknown_method_and_future_date(finance, invoice):
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("100.00"), method="barter")
    assert err.value.code == "method_invalid"
    with pytest.raises(DomainError) as err:
        pay(finance, invoice, Decimal("100.00"), paid_at=timezone.now() + datetime.timedelta(days=3))
    assert err.value.code == "paid_at_future"


def test_refund_returns_advance_first_then_invoice(finance, invoice, contract):
    payment = pay(finance, invoice, Decimal("12000.00"), as_advance=True)
    payment_refund(actor=finance, payment=payment, amount=Decimal("1500.00"), reason="Излишне уплачено")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert selectors.contract_advance(contract) == Decimal("500.00")
    payment_refund(actor=finance, payment=payment, amount=Decimal("4500.00"), reason="Расторжение")
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("6000.00")
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert selectors.contract_paid_total(contract) == Decimal("6000.00")
    with pytest.raises(DomainError) as err:
        payment_refund(actor=finance, payment=payment, amount=Decimal("6000.01"), reason="Расторжение")
    assert err.value.code == "refund_exceeds_paid"
    payment_refund(actor=finance, payment=payment, amount=Decimal("6000.00"), reason="Расторжение")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and invoice.paid_amount == 0
    sums = assert_reconciled(contract)
    assert sums == {"cash": Decimal("0.00"), "invoice": Decimal("0.00"), "advance": Decimal("0.00")}
    assert LedgerEntry.objects.filter(account="cash", amount__lt=0).count() == 3


def test_refund_needs_reason_and_permission(finance, sales, invoice):
    payment = pay(finance, invoice, Decimal("100.00"))
    with pytest.raises(DomainError) as err:
        payment_refund(actor=finance, payment=payment, amount=Decimal("10.00"), reason="")
    assert err.value.code == "reason_required"
    with pytest.raises(DomainError) as err:
        payment_refund(actor=sales, payment=payment, amount=Decimal("10.00"), reason="Ошибка")
    assert err.value.code == "access_denied"


def test_sales_of_other_office_cannot_register(make_staff, other_office, invoice):
    stranger = make_staff("sales", offices=[other_office])
    with pytest.raises(DomainError) as err:
        pay(stranger, invoice, Decimal("100.00"))
    assert err.value.code == "access_denied"
    lawyer = make_staff("lawyer")
    with pytest.raises(DomainError) as err:
        pay(lawyer, invoice, Decimal("100.00"))
    assert err.value.code == "access_denied"
    assert Payment.objects.count() == 0


def test_payment_document_is_stored_and_checked(finance, invoice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payment = pay(finance, invoice, Decimal("100.00"),
                  document=SimpleUploadedFile("чек.pdf", PDF, content_type="application/pdf"))
    assert payment.document.name.endswith(".pdf")
    assert payment.document.storage.exists(payment.document.name)
    with pytest.raises(DomainError) as err:
        payment_attach_document(actor=finance, payment=payment,
                                document=SimpleUploadedFile("virus.pdf", b"MZ\x90\x00binary"))
    assert err.value.code == "document_type"
    with pytest.raises(DomainError) as err:
        payment_attach_document(actor=finance, payment=payment, document=SimpleUploadedFile("a.exe", b"MZ"))
    assert err.value.code == "document_type"
    settings.BILLING_DOCUMENT_MAX_MB = 0
    with pytest.raises(DomainError) as err:
        payment_attach_document(actor=finance, payment=payment, document=SimpleUploadedFile("b.pdf", PDF))
    assert err.value.code == "document_too_large"


def test_failed_registration_leaves_no_trace(finance, invoice, settings):
    """A refused document after the checks would otherwise pass must not leave a payment behind."""
    with pytest.raises(DomainError):
        pay(finance, invoice, Decimal("100.00"), document=SimpleUploadedFile("x.png", PDF))
    assert Payment.objects.count() == 0 and LedgerEntry.objects.count() == 0
    invoice.refresh_from_db()
    assert invoice.paid_amount == 0


def test_payment_document_is_served_only_to_those_who_see_the_payment(client, finance, invoice, make_staff,
                                                                     other_office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payment = pay(finance, invoice, Decimal("100.00"),
                  document=SimpleUploadedFile("чек.pdf", PDF, content_type="application/pdf"))
    url = f"/admin/billing/payment/{payment.pk}/file/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client.get(f"/media/{payment.document.name}").status_code == 404  # no public media, even in DEBUG
    client.force_login(make_staff("office_head", offices=[other_office]))
    assert client.get(url).status_code == 404
    client.force_login(finance)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    page = client.get(f"/admin/billing/payment/{payment.pk}/change/").content.decode()
    assert url in page and "/media/" not in page
