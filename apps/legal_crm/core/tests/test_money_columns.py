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
