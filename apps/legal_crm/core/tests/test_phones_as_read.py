"""Phones read the way staff read them (+7 916 111-22-33) wherever a desk page shows them as text: history entries
(core.history_text) and a record's page opened read-only (core.admin_base.DeskAdmin), whatever the record's module;
an editable page keeps the number in its box as stored."""

import pytest
from django.urls import reverse

from legal_crm.core.history_text import change_text, value_text
from legal_crm.directory.models import Counterparty, FinancialManager

pytestmark = pytest.mark.django_db


def test_history_text_formats_a_phone():
    assert value_text(Counterparty, "phone", "+79161112233") == "+7 916 111-22-33"
    assert value_text(Counterparty, "phone", "+12025550123") == "+12025550123"  # not a Russian number: as it is
    assert value_text(Counterparty, "phone", "") == "—"
    assert change_text(Counterparty, {"phone": "+79161112233"}, {"phone": "+79162223344"}) == \
        "телефон: +7 916 111-22-33 → +7 916 222-33-44"


def test_read_only_page_of_another_module_shows_phones_as_read(client, make_staff):
    from legal_crm.directory import services
    from legal_crm.directory.tests.factories import CounterpartyFactory, FinancialManagerFactory

    card = CounterpartyFactory(role=Counterparty.Role.COURT, name="Арбитражный суд")  # shared: every office sees it
    Counterparty.objects.filter(pk=card.pk).update(phone="+79161112233")
    manager = FinancialManagerFactory()
    FinancialManager.objects.filter(pk=manager.pk).update(phone="+79165554433")

    # Finance views the directory without the right to change it: the card is text.
    client.force_login(make_staff("finance"))
    html = client.get(reverse("admin:directory_counterparty_change", args=[card.pk])).content.decode()
    assert "+7 916 111-22-33" in html and "+79161112233" not in html
    assert 'name="phone"' not in html
    # An admin without fieldsets (its fields from the form): the phone once, in its place, formatted.
    html = client.get(reverse("admin:directory_financialmanager_change", args=[manager.pk])).content.decode()
    assert html.count("+7 916 555-44-33") == 1 and "+79165554433" not in html

    # An operator may change the card: the number stays in its box as stored.
    operator = make_staff("operator")
    client.force_login(operator)
    html = client.get(reverse("admin:directory_counterparty_change", args=[card.pk])).content.decode()
    assert 'name="phone"' in html and 'value="+79161112233"' in html
    assert "+7 916 111-22-33" not in html

    # The card's history (its «Изменения» column) and a past version, read by the editor too, format it.
    services.counterparty_update(actor=operator, counterparty=Counterparty.objects.get(pk=card.pk),
                                 phone="+79162223344")
    html = client.get(reverse("admin:directory_counterparty_history", args=[card.pk])).content.decode()
    assert "+7 916 222-33-44" in html and "+79162223344" not in html
    version = Counterparty.history.filter(id=card.pk).latest("history_id")
    html = client.get(reverse("admin:directory_counterparty_simple_history",
                              args=[card.pk, version.history_id])).content.decode()
    assert "+7 916 222-33-44" in html and "+79162223344" not in html


def test_read_only_page_shows_money_as_read(client, make_staff):
    """An amount on a record's page opened read-only reads «150 000,00 ₽», as in the list; a percent keeps its
    number (core.fields.MoneyField is what marks roubles)."""
    from decimal import Decimal

    from legal_crm.directory.models import Service
    from legal_crm.directory.tests.factories import ServiceFactory

    service = ServiceFactory()
    Service.objects.filter(pk=service.pk).update(price=Decimal("150000"))
    client.force_login(make_staff("finance"))  # views the directory, may not change it
    html = client.get(reverse("admin:directory_service_change", args=[service.pk])).content.decode()
    assert "150\u00a0000,00\u00a0₽" in html and 'name="price"' not in html


def test_a_blacklisted_number_and_a_portal_account_read_as_phones(client, admin_user):
    """QA: the spam rule «Номер в чёрном списке» showed «+79000000000» and a portal account's title «Клиент
    (+79167001008)»; a stop word stays as typed."""
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.leads.models import SpamRule
    from legal_crm.portal.models import PortalAccount

    SpamRule.objects.create(name="Чёрный номер", kind=SpamRule.Kind.PHONE_BLACKLIST, value="+79000000000")
    SpamRule.objects.create(name="Стоп", kind=SpamRule.Kind.STOP_WORD, value="тест")
    client.force_login(admin_user)
    html = client.get(reverse("admin:leads_spamrule_changelist")).content.decode()
    assert "+7 900 000-00-00" in html and "+79000000000" not in html and "тест" in html
    account = PortalAccount(client=CounterpartyFactory(name="Иванов И. И."), phone="+79167001008")
    assert str(account) == "Иванов И. И. (+7 916 700-10-08)"
    from legal_crm.messaging.models import Kind, Message

    assert str(Message(kind=Kind.SMS, to="+79855000002")).endswith(" +7 985 500-00-02")
    assert str(Message(kind=Kind.EMAIL, to="a@b.ru")).endswith(" a@b.ru")
