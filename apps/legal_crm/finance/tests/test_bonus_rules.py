"""Automatic bonuses: cashback for a payment on time, a promotion bonus for a referral that signs — each once;
the report of bonuses on active contracts."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from legal_crm import hooks
from legal_crm.billing.services import invoice_issue, payment_register
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.finance import handlers_bonuses
from legal_crm.finance.bonus_report import bonus_report
from legal_crm.finance.models import BonusAccount, BonusEntry, BonusRule, ClientReferral
from legal_crm.finance.services.bonus_rules import referral_record
from legal_crm.leads.tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
NOV = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 11, 30)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def rules(db):
    BonusRule.objects.create(event="payment_on_time", group="cashback", percent=Decimal("2"), valid_days=90)
    BonusRule.objects.create(event="referral_signed", group="promotion", amount=Decimal("3000.00"), valid_days=60)


def _invoice(finance, contract, due):
    return invoice_issue(actor=finance, contract=contract, amount=Decimal("10000.00"), due_date=due,
                         issued_on=datetime.date(2026, 11, 1))


def test_the_handlers_are_registered():
    assert "legal_crm.finance.handlers_bonuses.on_payment_registered" in hooks.DOC_EVENTS["billing.payment_registered"]
    assert "legal_crm.finance.handlers_bonuses.on_contract_signed" in hooks.DOC_EVENTS["contracts.contract_signed"]


def test_a_payment_on_time_earns_cashback_once(finance, contract, rules):
    on_time = payment_register(actor=finance, invoice=_invoice(finance, contract, datetime.date(2026, 11, 25)),
                               amount=Decimal("10000.00"), method="cash")
    handlers_bonuses.on_payment_registered(payment_id=on_time.pk)
    handlers_bonuses.on_payment_registered(payment_id=on_time.pk)  # the relay may run a handler twice
    entry = BonusEntry.objects.get(kind="accrual")
    assert (entry.amount, entry.account.group, entry.payment_id) == (Decimal("200.00"), "cashback", on_time.pk)
    assert entry.expires_on == datetime.date(2026, 11, 20) + datetime.timedelta(days=90)
    assert BonusAccount.objects.get(client=contract.client).balance == Decimal("200.00")


def test_a_late_payment_or_one_with_bonuses_earns_nothing(finance, contract, rules):
    late = payment_register(actor=finance, invoice=_invoice(finance, contract, datetime.date(2026, 11, 19)),
                            amount=Decimal("5000.00"), method="card")
    handlers_bonuses.on_payment_registered(payment_id=late.pk)
    assert not BonusEntry.objects.exists()


def test_a_referral_that_signs_rewards_the_referrer_once(finance, make_staff, office, rules):
    referrer = CounterpartyFactory(name="Петров Пётр Петрович")
    lead = LeadFactory(office=office)
    with pytest.raises(DomainError) as denied:  # lawyers do not record referrals
        referral_record(actor=make_staff("lawyer", offices=[office]), lead=lead, referrer=referrer)
    assert denied.value.code == "access_denied"
    operator = make_staff("operator", offices=[office])
    referral = referral_record(actor=operator, lead=lead, referrer=referrer)
    from legal_crm.billing.tests.factories import ContractFactory

    signed = ContractFactory(office=office, lead=lead)
    handlers_bonuses.on_contract_signed(contract_id=signed.pk)
    handlers_bonuses.on_contract_signed(contract_id=signed.pk)
    referral.refresh_from_db()
    entry = BonusEntry.objects.get(kind="accrual")
    assert referral.reward == entry and entry.account.client == referrer and entry.amount == Decimal("3000.00")
    assert entry.account.group == "promotion" and entry.expires_on == datetime.date(2026, 11, 20) + \
        datetime.timedelta(days=60)
    with pytest.raises(DomainError) as again:
        referral_record(actor=operator, lead=lead, referrer=referrer)
    assert again.value.code == "referral_exists"
    assert ClientReferral.objects.count() == 1


def test_the_report_of_bonuses_on_active_contracts(client, finance, make_staff, contract, other_contract, rules):
    paid = payment_register(actor=finance, invoice=_invoice(finance, contract, datetime.date(2026, 11, 25)),
                            amount=Decimal("10000.00"), method="cash")
    handlers_bonuses.on_payment_registered(payment_id=paid.pk)
    spend_on = _invoice(finance, contract, datetime.date(2026, 11, 30))
    payment_register(actor=finance, invoice=spend_on, amount=Decimal("150.00"), method="bonus")
    report = bonus_report(finance, **NOV)
    mine = {r["client"]: r for r in report["rows"]}[contract.client.name]
    assert (mine["accrued"], mine["spent"], mine["cashback"], mine["contracts"]) == (
        Decimal("200.00"), Decimal("150.00"), Decimal("50.00"), 1)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    assert not bonus_report(finance, **NOV)["rows"]  # a completed contract is not active
    client.force_login(finance)
    assert client.get(reverse("finance_bonuses")).status_code == 200
    assert client.get(reverse("finance_bonuses") + "?export=xlsx").status_code == 200
    client.force_login(make_staff("lawyer"))
    assert client.get(reverse("finance_bonuses")).status_code == 403


def test_a_referrals_lead_lookup_only_for_who_may_open_the_leads_list(client, finance, make_staff, office):
    """Finance may record referrals but not open the leads' list: the lead is typed by its number (the magnifier opened
    that list in a popup that answered «Нет доступа»), and a lead finance does not see is refused on its field. An
    operator gets the lookup and records the referral."""
    lead = LeadFactory(office=office)
    referrer = CounterpartyFactory()
    add = reverse("admin:finance_clientreferral_add")
    client.force_login(finance)
    page = client.get(add).content.decode()
    assert reverse("admin:leads_lead_changelist") not in page and "список «Лиды» вам не открыт" in page
    assert reverse("admin:directory_counterparty_changelist") in page
    response = client.post(add, {"lead": lead.pk, "referrer": referrer.pk})
    assert response.status_code == 200 and "lead" in response.context["adminform"].form.errors
    assert not ClientReferral.objects.exists()
    client.force_login(make_staff("operator", offices=[office]))
    assert reverse("admin:leads_lead_changelist") in client.get(add).content.decode()
    # The form writes through the service in clean(): it answered «already exists» over the row it had just written.
    assert client.post(add, {"lead": lead.pk, "referrer": referrer.pk}).status_code == 302
    assert ClientReferral.objects.filter(lead=lead, referrer=referrer).exists()


def test_a_certificate_with_a_typed_number_is_issued_from_its_add_page(client, finance, office):
    """The add form issues the certificate through the service in clean(): with a number typed, the model form's
    unique check then found the certificate just issued and showed «already exists» over a kept record."""
    from legal_crm.finance.models import Certificate

    client.force_login(finance)
    add = reverse("admin:finance_certificate_add")
    page = client.get(add).content.decode()
    # what the page's inline (the redemptions) posts with the form
    management = dict(re.findall(r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', page))
    data = {"number": "ПС-777", "office": office.pk, "kind": "sold", "amount": "5000", "valid_from": "01.12.2026",
            "valid_until": "01.06.2027", **management}
    response = client.post(add, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Certificate.objects.values_list("number", flat=True)) == ["ПС-777"]
    again = client.post(add, data)
    assert again.status_code == 200 and Certificate.objects.count() == 1
