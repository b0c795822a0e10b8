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


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_role_matrix(role, make_staff, contract, office):
    user = make_staff(role, offices=[office])
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
    assert list(selectors.invoice_list_visible_to(user)) == [mine]
    assert theirs not in selectors.invoice_list_visible_to(user)
    both = make_staff(role, offices=[office, other_office])
    assert set(selectors.invoice_list_visible_to(both)) == {mine, theirs}
    assert set(selectors.invoice_list_visible_to(boss)) == {mine, theirs}  # finance sees every office
