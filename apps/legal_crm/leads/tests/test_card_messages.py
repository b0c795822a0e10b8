"""A client's «СТОП» reply and the messages both ways on the person's cards: the lead card's timeline (messaging's
hooks.LEAD_TIMELINE_SOURCES row) and the client card's «Сообщения» section (hooks.DESK_EXTENSIONS)."""

import pytest
from django.test import Client
from django.urls import reverse

from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.messaging import services
from legal_crm.messaging.callbacks import callback_path
from legal_crm.messaging.models import Channel, Message, Provider
from legal_crm.messaging.tests.fakes.server import FakeSmsc

from .factories import LeadFactory

pytestmark = pytest.mark.django_db

PHONE = "+79167770011"


@pytest.fixture
def fake_smsc():
    fake = FakeSmsc().start()
    yield fake
    fake.stop()


@pytest.fixture
def smsc(fake_smsc, office):
    return Channel.objects.create(office=office, kind="sms", provider=Provider.SMSC, name="SMSC", login="shop",
                                  secret=fake_smsc.PASSWORD, base_url=fake_smsc.url)


def _stop_reply(smsc, fake_smsc):
    form, _body, _headers = fake_smsc.incoming(PHONE.lstrip("+"), "СТОП")
    assert Client().post(callback_path(smsc), form).status_code == 200


def test_the_lead_card_shows_the_reply_and_the_opt_out(smsc, fake_smsc, office, operator):
    lead = LeadFactory(office=office, phone=PHONE, name="Пётр")
    services.message_queue(actor_or_none=None, channel_kind="sms", to=PHONE, text="Акция: консультация бесплатно",
                           office=office, advertising=True)
    _stop_reply(smsc, fake_smsc)
    client = Client()
    client.force_login(operator)
    html = client.get(reverse("leads_lead_card", args=[lead.pk])).content.decode()
    assert "SMS от клиента с +7 916 777-00-11" in html and "СТОП" in html
    assert "Отказ от рекламных рассылок: +7 916 777-00-11" in html
    assert "Акция: консультация бесплатно" in html  # the advertising that was waiting, now «не отправлено»
    assert Message.objects.get(direction="out").status == Message.Status.SKIPPED


def test_the_client_card_shows_the_refusal_and_the_latest_messages(smsc, fake_smsc, admin_user):
    person = CounterpartyFactory(name="Пётр Петров", phone=PHONE)
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:directory_counterparty_change", args=[person.pk])
    assert "реклама с согласия клиента разрешена" in client.get(url).content.decode()
    _stop_reply(smsc, fake_smsc)
    html = client.get(url).content.decode()
    assert "Сообщения" in html and "отказался навсегда" in html and "SMS от клиента с +7 916 777-00-11" in html
