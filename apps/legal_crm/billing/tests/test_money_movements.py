"""contract_money_movements: the payments and their refunds of a contract, newest first, adding up to
contract_paid_total (what the desk and the portal call «Оплачено»)."""

import datetime
from decimal import Decimal

import pytest

from legal_crm.billing.selectors import contract_money_movements, contract_paid_total
from legal_crm.billing.services import invoice_issue, payment_refund, payment_register

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, 9, 0, tzinfo=datetime.UTC)


def test_payments_and_refunds_newest_first_and_adding_up_to_the_paid_total(finance, contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("30000.00"),
                            issued_on=datetime.date(2026, 11, 1), due_date=datetime.date(2026, 11, 20))
    first = payment_register(actor=finance, invoice=invoice, amount=Decimal("10000.00"), method="cash",
                             paid_at=at(2))
    payment_register(actor=finance, invoice=invoice, amount=Decimal("5000.00"), method="card", paid_at=at(4))
    payment_refund(actor=finance, payment=first, amount=Decimal("3000.00"), reason="Излишне уплачено",
                   refunded_at=at(6))
    rows = contract_money_movements(contract)
    assert [(r["kind"], r["amount"], r["at"]) for r in rows] == [
        ("refund", Decimal("3000.00"), at(6)), ("payment", Decimal("5000.00"), at(4)),
        ("payment", Decimal("10000.00"), at(2))]
    assert str(rows[0]["label"]) == "Возврат" and str(rows[1]["label"]) == "Банковская карта"
    signed = sum(r["amount"] if r["kind"] == "payment" else -r["amount"] for r in rows)
    assert signed == contract_paid_total(contract) == Decimal("12000.00")


def test_another_contracts_money_is_not_listed(finance, contract, other_contract):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("1000.00"),
                            issued_on=datetime.date(2026, 11, 1), due_date=datetime.date(2026, 11, 20))
    payment = payment_register(actor=finance, invoice=invoice, amount=Decimal("1000.00"), method="cash",
                               paid_at=at(2))
    payment_refund(actor=finance, payment=payment, amount=Decimal("1000.00"), reason="Ошибка", refunded_at=at(3))
    assert contract_money_movements(other_contract) == []
