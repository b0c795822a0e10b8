"""Amounts in desk lists and read-only cards are formatted by the one formatter: 3 000,00 ₽."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_money_in_lists_and_cards(client, admin_user, make_staff, office):
    from legal_crm.billing.services import invoice_issue
    from legal_crm.billing.tests.factories import ContractFactory
    from legal_crm.directory.models import Service

    finance = make_staff("finance", offices=[office])
    invoice = invoice_issue(actor=finance, contract=ContractFactory(office=office), amount=Decimal("3000"),
                            due_date=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(admin_user)
    card = client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    assert "3\u00a0000,00\u00a0₽" in card
    assert 'name="amount"' not in card  # still read-only
    Service.objects.update(price=Decimal("150000"))
    services = client.get(reverse("admin:directory_service_changelist")).content.decode()
    assert Service.objects.exists()  # the contract's service
    assert "150\u00a0000,00\u00a0₽" in services


def test_money_in_read_only_inlines(client, admin_user, make_staff, office):
    from legal_crm.billing.services import schedule_create
    from legal_crm.billing.tests.factories import ContractFactory

    finance = make_staff("finance", offices=[office])
    contract = ContractFactory(office=office)
    schedule = schedule_create(actor=finance, contract=contract, total=Decimal("30000"), months=3,
                               first_due_date=timezone.localdate() + datetime.timedelta(days=5))
    client.force_login(admin_user)
    html = client.get(reverse("admin:billing_instalmentschedule_change", args=[schedule.pk])).content.decode()
    assert "10\u00a0000,00\u00a0₽" in html


def test_a_percent_is_not_money(client, admin_user):
    """QA: the agents' and bonus rules' lists read «10,00 ₽» for 10 %: every DecimalField of two places was taken
    for roubles. Money is a MoneyField; a plain decimal (a percent, a score, a threshold) keeps its number."""
    from legal_crm.core.history_text import value_text
    from legal_crm.directory.models import Service
    from legal_crm.finance.models import AgentRule
    from legal_crm.marketing.models import Partner

    AgentRule.objects.create(partner=Partner.objects.create(name="Агент"), percent=Decimal("10"))
    client.force_login(admin_user)
    rules = client.get(reverse("admin:finance_agentrule_changelist")).content.decode()
    assert "10,00" in rules and "10,00\u00a0₽" not in rules
    assert "₽" not in value_text(AgentRule, "percent", "10.00")
    assert value_text(Service, "price", "150000.00") == "150\u00a0000,00\u00a0₽"
