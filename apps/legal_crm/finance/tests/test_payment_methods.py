"""Certificates and bonuses as payment methods in billing (hooks.PAYMENT_METHOD_PROVIDERS): spent inside the
payment's transaction, refused with the reason and nothing half-applied."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from legal_crm.billing.models import LedgerEntry, Payment
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.billing.tests.helpers import assert_reconciled
from legal_crm.core.errors import DomainError
from legal_crm.finance.models import BonusAccount, BonusEntry, Certificate, CertificateRedemption
from legal_crm.finance.services import (
    bonus_accrue,
    bonus_available,
    bonuses_expire,
    certificate_cancel,
    certificate_issue,
)

pytestmark = pytest.mark.django_db
UNTIL = datetime.date(2027, 5, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def invoice(finance, contract):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"))


def _refused(code, **kwargs):
    before = (Payment.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(DomainError) as err:
        payment_register(**kwargs)
    assert err.value.code == code, err.value.message
    assert (Payment.objects.count(), LedgerEntry.objects.count()) == before  # nothing half-applied
    return err.value


def test_certificate_pays_in_parts_until_spent(finance, office, invoice, contract):
    cert = certificate_issue(actor=finance, office=office, amount=Decimal("3000.00"), valid_until=UNTIL)
    assert cert.number.startswith("С-") and cert.balance == Decimal("3000.00")
    payment_register(actor=finance, invoice=invoice, amount=Decimal("1000.00"), method="certificate",
                     reference=cert.number.lower())
    payment_register(actor=finance, invoice=invoice, amount=Decimal("2000.00"), method="certificate",
                     reference=cert.number)
    cert.refresh_from_db()
    assert cert.balance == 0 and cert.status == Certificate.Status.USED
    assert CertificateRedemption.objects.filter(certificate=cert).count() == 2
    err = _refused("certificate_used", actor=finance, invoice=invoice, amount=Decimal("1.00"), method="certificate",
                   reference=cert.number)
    assert "использован" in err.message
    assert_reconciled(contract)


def test_certificate_refusals(finance, office, invoice, other_contract):
    past = certificate_issue(actor=finance, office=office, amount=Decimal("500.00"),
                             valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2026, 6, 30))
    _refused("certificate_expired", actor=finance, invoice=invoice, amount=Decimal("100.00"), method="certificate",
             reference=past.number)
    _refused("certificate_not_found", actor=finance, invoice=invoice, amount=Decimal("100.00"),
             method="certificate", reference="С-NONE-0000")
    small = certificate_issue(actor=finance, office=office, amount=Decimal("50.00"), valid_until=UNTIL)
    err = _refused("certificate_insufficient", actor=finance, invoice=invoice, amount=Decimal("100.00"),
                   method="certificate", reference=small.number)
    assert "50,00" in err.message
    stranger = certificate_issue(actor=finance, office=office, amount=Decimal("500.00"), valid_until=UNTIL,
                                 client=other_contract.client)
    _refused("certificate_other_client", actor=finance, invoice=invoice, amount=Decimal("100.00"),
             method="certificate", reference=stranger.number)
    cancelled = certificate_issue(actor=finance, office=office, amount=Decimal("500.00"), valid_until=UNTIL)
    certificate_cancel(actor=finance, certificate=cancelled, reason="Ошибка выпуска")
    _refused("certificate_cancelled", actor=finance, invoice=invoice, amount=Decimal("100.00"),
             method="certificate", reference=cancelled.number)
    big = certificate_issue(actor=finance, office=office, amount=Decimal("50000.00"), valid_until=UNTIL)
    _refused("method_no_advance", actor=finance, invoice=invoice, amount=Decimal("10000.01"), method="certificate",
             reference=big.number, as_advance=True)
    big.refresh_from_db()
    assert big.balance == Decimal("50000.00")


def test_bonuses_spend_first_expiring_within_the_limit(finance, invoice, contract):
    client = contract.client
    bonus_accrue(actor=finance, client=client, group="promotion", amount=Decimal("1500.00"),
                 expires_on=datetime.date(2027, 1, 31), reason="Акция «Осень»")
    bonus_accrue(actor=finance, client=client, group="cashback", amount=Decimal("5000.00"),
                 expires_on=datetime.date(2026, 12, 31), reason="Кешбэк")
    assert bonus_available(client) == Decimal("6500.00")
    _refused("bonus_limit", actor=finance, invoice=invoice, amount=Decimal("5000.01"), method="bonus")
    payment_register(actor=finance, invoice=invoice, amount=Decimal("4000.00"), method="bonus")
    cashback = BonusAccount.objects.get(client=client, group="cashback")
    promotion = BonusAccount.objects.get(client=client, group="promotion")
    assert cashback.balance == Decimal("1000.00") and promotion.balance == Decimal("1500.00")
    err = _refused("bonus_limit", actor=finance, invoice=invoice, amount=Decimal("1000.01"), method="bonus")
    assert "4\u00a0000,00" in err.message
    payment_register(actor=finance, invoice=invoice, amount=Decimal("1000.00"), method="bonus",
                     reference="promotion")
    promotion.refresh_from_db()
    assert promotion.balance == Decimal("500.00") and bonus_available(client) == Decimal("1500.00")
    assert_reconciled(contract)


def test_bonuses_beyond_the_balance_and_expiry(finance, invoice, contract):
    client = contract.client
    bonus_accrue(actor=finance, client=client, group="cashback", amount=Decimal("300.00"),
                 expires_on=datetime.date(2026, 11, 25), reason="Оплата вовремя")
    _refused("bonus_insufficient", actor=finance, invoice=invoice, amount=Decimal("300.01"), method="bonus")
    with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
        _refused("bonus_insufficient", actor=finance, invoice=invoice, amount=Decimal("1.00"), method="bonus")
        assert bonuses_expire() == {"expired": 1}
        assert bonuses_expire() == {"expired": 0}  # a second run finds nothing left
    account = BonusAccount.objects.get(client=client)
    assert account.balance == 0
    assert list(BonusEntry.objects.filter(account=account).order_by("id").values_list("kind", "amount")) == [
        ("accrual", Decimal("300.00")), ("expiry", Decimal("-300.00"))]


def test_refunds_go_back_onto_the_certificate_and_the_bonuses(finance, office, invoice, contract):
    from legal_crm.billing.services import payment_refund

    cert = certificate_issue(actor=finance, office=office, amount=Decimal("1000.00"), valid_until=UNTIL)
    by_cert = payment_register(actor=finance, invoice=invoice, amount=Decimal("1000.00"), method="certificate",
                               reference=cert.number)
    bonus_accrue(actor=finance, client=contract.client, group="cashback", amount=Decimal("800.00"),
                 expires_on=UNTIL, reason="Кешбэк")
    by_bonus = payment_register(actor=finance, invoice=invoice, amount=Decimal("800.00"), method="bonus")
    payment_refund(actor=finance, payment=by_cert, amount=Decimal("400.00"), reason="Ошибка")
    payment_refund(actor=finance, payment=by_bonus, amount=Decimal("300.00"), reason="Ошибка")
    cert.refresh_from_db()
    assert cert.balance == Decimal("400.00") and cert.status == Certificate.Status.ACTIVE
    assert BonusAccount.objects.get(client=contract.client).balance == Decimal("300.00")
    assert bonus_available(contract.client) == Decimal("300.00")
    assert_reconciled(contract)
