"""News on the case through the client's chosen channel; the lower modules' services accept «no person» only for
the portal's own kind of write (a gateway-confirmed portal payment, a complaint filed from the portal)."""

from decimal import Decimal

import pytest

from legal_crm import hooks
from legal_crm.core.errors import DomainError
from legal_crm.messaging.models import Message
from legal_crm.portal.models import PortalAccount
from legal_crm.portal.news import on_action_published, on_invoice_issued

pytestmark = pytest.mark.django_db


def test_news_handlers_are_wired():
    assert "legal_crm.portal.news.on_action_published" in hooks.DOC_EVENTS["contracts.action_published"]
    assert "legal_crm.portal.news.on_invoice_issued" in hooks.DOC_EVENTS["billing.invoice_issued"]


def test_published_action_news_goes_once_by_sms_by_default(case):
    for _ in range(2):  # a retried event
        on_action_published(contract_id=case["contract"].pk, action_id=case["action"].pk,
                            client_id=case["client"].pk, notification_text="Заявление подано в суд.")
    message = Message.objects.get(subject_type="portal.news_action")
    assert (message.kind, message.to) == ("sms", "+79161110001")
    assert message.text.startswith("Заявление подано в суд. Подробнее в личном кабинете")


def test_news_links_are_absolute_on_public_url(case, settings):
    """An SMS or e-mail is read outside the site: «/portal/» alone leads nowhere."""
    settings.PUBLIC_URL = "https://crm.example.ru/"
    on_action_published(contract_id=case["contract"].pk, action_id=case["action"].pk,
                        client_id=case["client"].pk, notification_text="Заявление подано в суд.")
    on_invoice_issued(invoice_id=case["invoice"].pk)
    action = Message.objects.get(subject_type="portal.news_action")
    invoice = Message.objects.get(subject_type="portal.news_invoice")
    assert action.text.endswith("Подробнее в личном кабинете: https://crm.example.ru/portal/")
    assert invoice.text.endswith("Оплатить можно в личном кабинете: https://crm.example.ru/portal/")


def test_an_absolute_portal_url_wins_over_public_url(case, settings):
    settings.PUBLIC_URL = "https://crm.example.ru"
    settings.PORTAL_URL = "https://lk.example.ru/"
    on_action_published(contract_id=case["contract"].pk, action_id=case["action"].pk,
                        client_id=case["client"].pk)
    assert Message.objects.get(subject_type="portal.news_action").text.endswith(": https://lk.example.ru/")


def test_invoice_news_goes_to_the_chosen_email(case):
    PortalAccount.objects.filter(pk=case["account"].pk).update(news_channel="email", news_address="anna@example.com")
    on_invoice_issued(invoice_id=case["invoice"].pk)
    message = Message.objects.get(subject_type="portal.news_invoice")
    assert (message.kind, message.to) == ("email", "anna@example.com")
    assert case["invoice"].number in message.text and "10.12.2026" in message.text


def test_no_news_for_a_blocked_client(case):
    PortalAccount.objects.filter(pk=case["account"].pk).update(status="blocked")
    on_invoice_issued(invoice_id=case["invoice"].pk)
    assert not Message.objects.filter(subject_type="portal.news_invoice").exists()


def test_billing_refuses_a_payment_without_a_person_unless_it_is_the_portals(case):
    from legal_crm.billing.services.payments import payment_register

    with pytest.raises(DomainError) as refused:
        payment_register(actor=None, invoice=case["invoice"], amount=Decimal("100.00"), method="cash")
    assert refused.value.code == "access_denied"
    payment = payment_register(actor=None, invoice=case["invoice"], amount=Decimal("100.00"), method="portal",
                               external_ref="gw-1")
    assert payment.method == "portal"


def test_quality_refuses_a_complaint_without_a_person_unless_from_the_portal(case):
    from legal_crm.quality.services import complaint_file

    with pytest.raises(DomainError) as refused:
        complaint_file(actor=None, contract=case["contract"], text="Никто не перезвонил мне")
    assert refused.value.code == "access_denied"
    assert complaint_file(actor=None, contract=case["contract"], text="Никто не перезвонил мне",
                          source="portal").source == "portal"
