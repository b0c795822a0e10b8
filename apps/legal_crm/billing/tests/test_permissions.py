"""Roles × billing actions, with the office scope (fixtures/groups.json is the source)."""

import datetime
from decimal import Decimal

import pytest

from legal_crm.billing import selectors
from legal_crm.billing.services import (
    invoice_cancel,
    invoice_issue,
    payment_refund,
    payment_register,
    schedule_create,
    subscription_start,
)
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db

MATRIX = {
    #              issue  pay   cancel refund schedule subscribe view_inv view_pay
    "operator":    (False, False, False, False, False, False, False, False),
    "sales":       (True, True, False, False, True, True, True, True),
    "lawyer":      (False, False, False, False, False, False, True, False),
    "office_head": (False, False, False, False, False, False, True, True),
    "finance":     (True, True, True, True, True, True, True, True),
    "hr":          (False, False, False, False, False, False, False, False),
    "marketer":    (False, False, False, False, False, False, False, False),
    "admin":       (True, True, True, True, True, True, True, True),
}


def allowed(fn) -> bool:
    try:
        fn()
    except DomainError as exc:
        assert exc.code == "access_denied", exc.code
        return False
    return True


def own(contract, user, role):
    """Sales and lawyers handle only their contracts' money: make the contract theirs."""
    if role == "sales":
        contract.sales_manager = user
        contract.save(update_fields=["sales_manager"])
    elif role == "lawyer":
        contract.lawyers.add(user)


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_matrix(role, make_staff, contract, office):
    user = make_staff(role, offices=[office])
    own(contract, user, role)
    boss = make_staff("finance", offices=[office])
    invoice = invoice_issue(actor=boss, contract=contract, amount="1000")
    paid = invoice_issue(actor=boss, contract=contract, amount="1000")
    payment = payment_register(actor=boss, invoice=paid, amount="1000", method="cash")
    got = (
        allowed(lambda: invoice_issue(actor=user, contract=contract, amount="10")),
        allowed(lambda: payment_register(actor=user, invoice=invoice, amount="1", method="cash")),
        allowed(lambda: invoice_cancel(actor=user, invoice=invoice_issue(actor=boss, contract=contract, amount="5"),
                                       reason="Ошибка")),
        allowed(lambda: payment_refund(actor=user, payment=payment, amount="1", reason="Проверка")),
        allowed(lambda: schedule_create(actor=user, contract=contract, months=2,
                                        first_due_date=datetime.date(2030, 1, 1), total=Decimal("6000"))),
        allowed(lambda: subscription_start(actor=user, contract=contract, monthly_fee="3000",
                                           started_on=datetime.date(2030, 1, 1))),
        selectors.invoice_list_visible_to(user).exists(),
        selectors.payment_list_visible_to(user).exists(),
    )
    assert got == MATRIX[role]


@pytest.mark.parametrize("role", ["sales", "lawyer", "office_head"])
def test_office_scope(role, make_staff, contract, other_contract, other_office, office):
    boss = make_staff("finance", offices=[office])
    mine = invoice_issue(actor=boss, contract=contract, amount="100")
    theirs = invoice_issue(actor=boss, contract=other_contract, amount="100")
    user = make_staff(role, offices=[office])
    own(contract, user, role)
    own(other_contract, user, role)
    assert list(selectors.invoice_list_visible_to(user)) == [mine]
    assert theirs not in selectors.invoice_list_visible_to(user)
    both = make_staff(role, offices=[office, other_office])
    own(contract, both, role)
    own(other_contract, both, role)
    assert set(selectors.invoice_list_visible_to(both)) == {mine, theirs}
    assert set(selectors.invoice_list_visible_to(boss)) == {mine, theirs}  # finance sees every office


def test_sales_see_and_take_money_of_their_contracts_only(make_staff, contract, office):
    from .factories import ContractFactory

    boss = make_staff("finance", offices=[office])
    user = make_staff("sales", offices=[office])
    own(contract, user, "sales")
    colleagues = ContractFactory(office=office)
    mine = invoice_issue(actor=boss, contract=contract, amount="100")
    theirs = invoice_issue(actor=boss, contract=colleagues, amount="100")
    payment_register(actor=boss, invoice=theirs, amount="50", method="cash")
    assert list(selectors.invoice_list_visible_to(user)) == [mine]
    assert not selectors.payment_list_visible_to(user).filter(contract=colleagues).exists()
    with pytest.raises(DomainError) as err:
        payment_register(actor=user, invoice=theirs, amount="10", method="cash")
    assert err.value.code == "access_denied"
    assert payment_register(actor=user, invoice=mine, amount="10", method="cash").amount == Decimal("10.00")


def test_payments_link_on_the_invoice_page_only_for_who_may_open_them(make_staff, contract, sales):
    """A lawyer reads invoices but not payments: the invoice page lists its payments without links (the date led to a
    403), and the payment's file is refused to them as its page is; sales get both links."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from legal_crm.billing.services import payment_attach_document

    invoice = invoice_issue(actor=sales, contract=contract, amount="1000")
    payment = payment_register(actor=sales, invoice=invoice, amount="1000", method="card")
    payment_attach_document(actor=sales, payment=payment,
                            document=SimpleUploadedFile("check.pdf", b"%PDF-1.4\n%%EOF\n"))
    page_url = reverse("admin:billing_invoice_change", args=[invoice.pk])
    payment_url = reverse("admin:billing_payment_change", args=[payment.pk])
    file_url = reverse("admin:billing_payment_document", args=[payment.pk])
    lawyer = Client()
    lawyer.force_login(make_staff("lawyer"))
    page = lawyer.get(page_url)
    assert page.status_code == 200
    assert payment_url not in page.content.decode() and file_url not in page.content.decode()
    assert lawyer.get(file_url).status_code == 403
    seller = Client()
    seller.force_login(sales)
    page = seller.get(page_url).content.decode()
    assert payment_url in page and file_url in page
    assert seller.get(file_url).status_code == 200


def test_a_subscription_invoices_reversed_period_is_named_as_such(sales, contract):
    """Both dates given, the end before the start: the error says so on the end (it asked for the dates already
    filled in)."""
    with pytest.raises(DomainError) as missing:
        invoice_issue(actor=sales, contract=contract, amount="1000", kind="subscription",
                      period_start=datetime.date(2026, 12, 10))
    assert missing.value.code == "period_required"
    with pytest.raises(DomainError) as reversed_:
        invoice_issue(actor=sales, contract=contract, amount="1000", kind="subscription",
                      period_start=datetime.date(2026, 12, 10), period_end=datetime.date(2026, 12, 1))
    assert reversed_.value.code == "period_reversed"
    assert reversed_.value.fields == {"period_end": "Конец периода не может быть раньше его начала."}
