"""The unsubscribe link: signed, short, opens a confirmation page; the POST opts out for good."""

import pytest
from django.urls import reverse

from legal_crm.campaigns.unsubscribe import address_of, link_for, token_for, unsubscribe_links
from legal_crm.messaging.models import Message, OptOut
from legal_crm.messaging.tags import Recipient


@pytest.mark.parametrize("address", ["+79161234567", "client.name+x@example.ru"])
def test_token_round_trip_and_forgery(address):
    token = token_for(address)
    assert address_of(token) == address
    body, sig = token.split(".")
    assert address_of(f"{body}.{'0' * len(sig)}") is None
    assert address_of(f"p{body[1:]}x.{sig}") is None
    for junk in ("", ".", "p.", "zzz", "e%%%.abc", "p" + "z" * 300 + ".abc"):
        assert address_of(junk) is None


def test_a_phone_link_fits_an_sms(settings):
    settings.PUBLIC_URL = "https://crm.example.ru"
    link = link_for("+79161234567")
    assert link.startswith("https://crm.example.ru/u/") and len(link) < 50


def test_the_tag_resolver_gives_each_recipient_their_link(settings):
    settings.PUBLIC_URL = "https://crm.example.ru"
    links = unsubscribe_links([Recipient(address="+79161234567"), Recipient(address="")])
    assert list(links) == [0] and address_of(links[0].rstrip("/").rsplit("/", 1)[1]) == "+79161234567"


def test_get_asks_post_opts_out_and_queued_advertising_is_skipped(client, db):
    queued = Message.objects.create(kind="sms", provider="console", to="+79161234567", text="Акция",
                                    is_advertising=True)
    url = reverse("campaigns-unsubscribe", args=[token_for("+79161234567")])
    page = client.get(url)
    assert page.status_code == 200 and "Отписаться" in page.content.decode()
    assert not OptOut.objects.exists()  # a link preview or a mail scanner opens links: GET changes nothing
    done = client.post(url)
    assert done.status_code == 200 and 'id="unsubscribed"' in done.content.decode()
    assert OptOut.objects.get().address == "+79161234567"
    queued.refresh_from_db()
    assert queued.status == Message.Status.SKIPPED
    assert client.post(url).status_code == 200 and OptOut.objects.count() == 1  # twice is fine


def test_a_forged_link_is_not_found(client, db):
    token = token_for("+79161234567")
    assert client.post(reverse("campaigns-unsubscribe", args=[token[:-1] + "x"])).status_code == 404
    assert not OptOut.objects.exists()


def test_a_campaign_text_carries_each_recipients_unsubscribe_link(make_staff, office, settings):
    from legal_crm.campaigns import services
    from legal_crm.leads.tests.factories import LeadFactory

    from .factories import make_campaign

    settings.PUBLIC_URL = "https://crm.example.ru"
    LeadFactory(office=office, phone="+79160000001", consent_ads=True)
    marketer = make_staff("marketer")
    campaign = make_campaign(marketer, text="Скидка! Отписаться: {unsubscribe_link}")
    (_row, text), = services.preview(actor=marketer, campaign=campaign)["sample"]
    assert text == f"Скидка! Отписаться: https://crm.example.ru/u/{token_for('+79160000001')}/"
