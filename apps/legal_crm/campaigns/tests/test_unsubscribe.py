"""The unsubscribe link: signed, short, opens a confirmation page; the POST opts out for good; its address is the
server's that `bin/run` started (PUBLIC_URL from HOST/PORT) unless set."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
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


def _bin_run_public_url(**env) -> str:
    """PUBLIC_URL as the embedded default's settings read it after bin/run's own lines that set it (run under
    `set -euo pipefail`, as bin/run is), for HOST, PORT and PUBLIC_URL given or not."""
    run = (django_settings.BASE_DIR / "bin" / "run").read_text()
    lines = re.search(r"^HOST=.*?^export PUBLIC_URL=.*?$", run, re.S | re.M)
    assert lines, "bin/run sets HOST and PORT, then exports PUBLIC_URL"
    script = (f"set -euo pipefail\n{lines.group(0)}\n"
              "exec \"$PY\" -c 'from legal_crm.settings import embedded; print(embedded.PUBLIC_URL)'")
    base = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "PUBLIC_URL")}
    base.update(PY=sys.executable, PYTHONPATH=str(django_settings.BASE_DIR / "apps"), **env)
    done = subprocess.run(["bash", "-c", script], env=base, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_bin_run_gives_links_the_address_it_serves_unless_public_url_is_set():
    assert _bin_run_public_url() == "http://127.0.0.1:8000"
    assert _bin_run_public_url(HOST="192.168.10.5", PORT="9000") == "http://192.168.10.5:9000"
    assert _bin_run_public_url(HOST="0.0.0.0", PORT="8080") == "http://localhost:8080"  # all interfaces
    assert _bin_run_public_url(HOST="::1", PORT="8080") == "http://[::1]:8080"
    assert _bin_run_public_url(HOST="0.0.0.0", PUBLIC_URL="https://crm.example.ru") == "https://crm.example.ru"


def test_the_link_starts_with_public_url(settings):
    settings.PUBLIC_URL = "http://192.168.10.5:9000/"
    assert link_for("+79161234567").startswith("http://192.168.10.5:9000/u/")
