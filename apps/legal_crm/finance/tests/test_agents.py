"""Agents' payouts: accrued on the payments of the clients a partner agent brought, reversed on refunds, then
approved and paid; the report per agent."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from legal_crm import hooks
from legal_crm.billing.services import invoice_issue, payment_refund, payment_register
from legal_crm.billing.tests.factories import ContractFactory
from legal_crm.core.errors import DomainError
from legal_crm.finance import handlers_agents
from legal_crm.finance.agent_report import agent_report
from legal_crm.finance.models import AgentAccrual, AgentRule
from legal_crm.finance.services.agents import agent_accruals_move
from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.marketing.models import Partner

pytestmark = pytest.mark.django_db
NOV = {"date_from": datetime.date(2026, 11, 1), "date_to": datetime.date(2026, 11, 30)}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def agent(db):
    partner = Partner.objects.create(name="Агентская сеть «Партнёр+»")
    AgentRule.objects.create(partner=partner, percent=Decimal("10"))
    return partner


@pytest.fixture
def agents_contract(office, agent):
    return ContractFactory(office=office, lead=LeadFactory(office=office, partner=agent))


def _pay(finance, contract, amount, method="cash"):
    invoice = invoice_issue(actor=finance, contract=contract, amount=Decimal("50000.00"))
    payment = payment_register(actor=finance, invoice=invoice, amount=Decimal(amount), method=method)
    handlers_agents.on_payment_registered(payment_id=payment.pk)
    return payment


def test_handlers_are_registered():
    assert "legal_crm.finance.handlers_agents.on_payment_registered" in hooks.DOC_EVENTS["billing.payment_registered"]
    assert "legal_crm.finance.handlers_agents.on_payment_refunded" in hooks.DOC_EVENTS["billing.payment_refunded"]


def test_accrued_on_the_agents_clients_payments_once_and_reversed_on_refund(finance, agents_contract, contract):
    payment = _pay(finance, agents_contract, "20000.00")
    handlers_agents.on_payment_registered(payment_id=payment.pk)  # handled twice: one accrual
    _pay(finance, contract, "5000.00")  # a client who came without an agent
    accrual = AgentAccrual.objects.get()
    assert (accrual.amount, accrual.base, accrual.status) == (Decimal("2000.00"), Decimal("20000.00"), "accrued")
    refund = payment_refund(actor=finance, payment=payment, amount=Decimal("5000.00"), reason="Расторжение")
    handlers_agents.on_payment_refunded(refund_id=refund.pk)
    handlers_agents.on_payment_refunded(refund_id=refund.pk)
    reversal = AgentAccrual.objects.get(refund=refund)
    assert reversal.amount == Decimal("-500.00") and AgentAccrual.objects.count() == 2


def test_no_accrual_for_bonus_payments_or_an_inactive_rule(finance, agents_contract, agent):
    AgentRule.objects.filter(partner=agent).update(is_active=False)
    _pay(finance, agents_contract, "1000.00")
    assert not AgentAccrual.objects.exists()


def test_accrued_then_approved_then_paid(finance, make_staff, office, agents_contract):
    first = _pay(finance, agents_contract, "10000.00")
    accrual = AgentAccrual.objects.get(payment=first)
    with pytest.raises(DomainError) as early:
        agent_accruals_move(actor=finance, ids=[accrual.pk], action="pay")
    assert early.value.code == "agent_accrual_status"
    with pytest.raises(DomainError) as denied:
        agent_accruals_move(actor=make_staff("sales", offices=[office]), ids=[accrual.pk], action="approve")
    assert denied.value.code == "access_denied"
    assert agent_accruals_move(actor=finance, ids=[accrual.pk], action="approve") == 1
    assert agent_accruals_move(actor=finance, ids=[accrual.pk], action="pay") == 1
    accrual.refresh_from_db()
    assert accrual.status == "paid" and accrual.paid_by == finance and accrual.approved_by == finance
    second = AgentAccrual.objects.get(payment=_pay(finance, agents_contract, "3000.00"))
    with pytest.raises(DomainError):  # all or nothing: the paid one is refused, the new one stays accrued
        agent_accruals_move(actor=finance, ids=[accrual.pk, second.pk], action="approve")
    second.refresh_from_db()
    assert second.status == "accrued"


def test_the_report_per_agent(client, finance, make_staff, agents_contract):
    paid = AgentAccrual.objects.get(payment=_pay(finance, agents_contract, "10000.00"))
    agent_accruals_move(actor=finance, ids=[paid.pk], action="approve")
    _pay(finance, agents_contract, "4000.00")
    row = agent_report(finance, **NOV)["rows"][0]
    assert row == {"partner": "Агентская сеть «Партнёр+»", "payments": 2, "base": Decimal("14000.00"),
                   "accrued": Decimal("400.00"), "approved": Decimal("1000.00"), "paid": Decimal("0.00"),
                   "total": Decimal("1400.00")}
    client.force_login(finance)
    assert client.get(reverse("finance_agents")).status_code == 200
    assert client.get(reverse("finance_agents") + "?export=xlsx").status_code == 200
    response = client.post(reverse("admin:finance_agentaccrual_changelist"),
                           {"action": "approve", "_selected_action": [paid.pk]})
    assert response.status_code == 302
    client.force_login(make_staff("lawyer"))
    assert client.get(reverse("finance_agents")).status_code == 403
