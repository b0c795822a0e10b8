"""Each real client against a local fake server speaking its provider's protocol, failures included."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from legal_crm.messaging.channels import adapter_for
from legal_crm.messaging.channels.smsc import SmscAdapter
from legal_crm.messaging.channels.smsru import SmsRuAdapter
from legal_crm.messaging.models import Channel, Provider


def _msg(pk=1, to="+79161234567", text="Здравствуйте!"):
    return SimpleNamespace(pk=pk, to=to, text=text, kind="sms")


def _smsru(fake, timeout=2.0):
    ch = Channel(kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="api-id-abcd1234", sender_name="Юрист",
                 base_url=fake.url)
    return SmsRuAdapter(ch, timeout=timeout)


def _smsc(fake, timeout=2.0):
    ch = Channel(kind="sms", provider=Provider.SMSC, name="SMSC", login="shop", secret="secret-pass-1234",
                 base_url=fake.url)
    return SmscAdapter(ch, timeout=timeout)


# --- SMS.ru -----------------------------------------------------------------------------------------------------

def test_smsru_sends_and_reports_id_cost_and_delivery(fake_smsru):
    adapter = _smsru(fake_smsru)
    result = adapter.send(_msg())
    assert (result.status, result.provider_id, result.cost) == ("sent", "000000-00000001", Decimal("3.49"))
    sent = fake_smsru.received[0]
    assert (sent["api_id"], sent["to"], sent["msg"], sent["json"], sent["from"]) == (
        "api-id-abcd1234", "79161234567", "Здравствуйте!", "1", "Юрист")
    assert adapter.status(result.provider_id).status == "delivered"
    fake_smsru.states[result.provider_id] = 104
    failed = adapter.status(result.provider_id)
    assert (failed.status, failed.error_code) == ("failed", "smsru_104")
    fake_smsru.states[result.provider_id] = 102
    assert adapter.status(result.provider_id).status == "sent"
    assert adapter.status("000000-99999999").status == "not_found"


@pytest.mark.parametrize(("code", "status"), [(200, "failed"), (204, "failed"), (207, "failed"), (220, "retry"),
                                              (201, "retry")])
def test_smsru_error_codes_are_permanent_or_temporary(fake_smsru, code, status):
    fake_smsru.fail_next("code", code)
    result = _smsru(fake_smsru).send(_msg())
    assert (result.status, result.error_code) == (status, f"smsru_{code}")
    assert result.error_text  # the provider's reason is kept
    assert not result.provider_id


def test_smsru_http_500_is_retried_and_a_dropped_connection_or_timeout_is_of_unknown_fate(fake_smsru):
    fake_smsru.fail_next("http500")
    assert _smsru(fake_smsru).send(_msg()).status == "retry"
    fake_smsru.fail_next("drop")
    dropped = _smsru(fake_smsru).send(_msg())
    assert (dropped.status, dropped.error_code) == ("unknown", "connection_dropped")
    fake_smsru.fail_next("hang", 1.0)
    late = _smsru(fake_smsru, timeout=0.3).send(_msg())
    assert (late.status, late.error_code) == ("unknown", "timeout")


def test_an_unreachable_provider_is_retried():
    ch = Channel(kind="sms", provider=Provider.SMSRU, name="x", secret="k", base_url="http://127.0.0.1:9")
    result = SmsRuAdapter(ch, timeout=1).send(_msg())
    assert (result.status, result.error_code) == ("retry", "connection_refused")


# --- SMSC.ru ----------------------------------------------------------------------------------------------------

def test_smsc_sends_with_our_id_and_looks_it_up(fake_smsc):
    adapter = _smsc(fake_smsc)
    message = _msg(pk=42)
    assert adapter.lookup(message).status == "not_found"
    result = adapter.send(message)
    assert (result.status, result.provider_id, result.cost) == ("sent", "42", Decimal("2.10"))
    sent = fake_smsc.received[0]
    assert (sent["login"], sent["psw"], sent["phones"], sent["mes"], sent["fmt"], sent["charset"], sent["id"]) == (
        "shop", "secret-pass-1234", "79161234567", "Здравствуйте!", "3", "utf-8", "42")
    assert adapter.lookup(message).status == "delivered"
    fake_smsc.states["42"] = 22
    assert adapter.status("42", message).status == "failed"
    fake_smsc.states["42"] = 0
    assert adapter.status("42", message).status == "sent"


@pytest.mark.parametrize(("code", "status"), [(1, "failed"), (2, "failed"), (6, "failed"), (7, "failed"),
                                              (3, "retry"), (9, "retry")])
def test_smsc_error_codes_are_permanent_or_temporary(fake_smsc, code, status):
    fake_smsc.fail_next("code", code)
    result = _smsc(fake_smsc).send(_msg())
    assert (result.status, result.error_code) == (status, f"smsc_{code}")
    assert result.error_text


def test_smsc_http_500_drop_and_timeout(fake_smsc):
    fake_smsc.fail_next("http500")
    assert _smsc(fake_smsc).send(_msg()).status == "retry"
    fake_smsc.fail_next("drop")
    assert _smsc(fake_smsc).send(_msg()).status == "unknown"
    fake_smsc.fail_next("hang", 1.0)
    assert _smsc(fake_smsc, timeout=0.3).send(_msg(pk=7)).status == "unknown"


# --- console and e-mail -----------------------------------------------------------------------------------------

def test_console_prints_and_marks_sent(capsys):
    result = adapter_for(Provider.CONSOLE).send(_msg(text="Проверка"))
    assert result.status == "sent"
    assert "Проверка" in capsys.readouterr().err


def test_email_goes_through_django_mail(settings):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ch = Channel(kind="email", provider=Provider.EMAIL, name="Почта", sender_name="office@example.com")
    result = adapter_for(Provider.EMAIL, ch).send(_msg(to="client@example.com", text="Счёт"))
    assert result.status == "sent"
    assert mail.outbox[0].to == ["client@example.com"] and mail.outbox[0].body == "Счёт"
    assert mail.outbox[0].from_email == "office@example.com"


# --- WhatsApp (GreenAPI) and Telegram ---------------------------------------------------------------------------

@pytest.fixture
def fake_greenapi():
    from .fakes.server import FakeGreenApi

    fake = FakeGreenApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_telegram():
    from .fakes.server import FakeTelegram

    fake = FakeTelegram().start()
    yield fake
    fake.stop()


def _greenapi(fake, token="tok-1234"):
    ch = Channel(kind="whatsapp", provider=Provider.GREENAPI, name="WA", login="1101", secret=token,
                 base_url=fake.url)
    return adapter_for(Provider.GREENAPI, ch)


def test_greenapi_sends_to_the_chat_and_reports_delivery(fake_greenapi):
    adapter = _greenapi(fake_greenapi)
    message = _msg(text="Ждём вас завтра")
    result = adapter.send(message)
    assert result.status == "sent" and result.provider_id.startswith("3EB0")
    assert fake_greenapi.received[0] == {"chatId": "79161234567@c.us", "message": "Ждём вас завтра"}
    assert adapter.status(result.provider_id, message).status == "delivered"
    fake_greenapi.states[result.provider_id] = "noAccount"
    assert adapter.status(result.provider_id, message).status == "failed"
    fake_greenapi.states[result.provider_id] = "pending"
    assert adapter.status(result.provider_id, message).status == "sent"


@pytest.mark.parametrize(("code", "status"), [(400, "failed"), (466, "failed"), (429, "retry")])
def test_greenapi_refusals(fake_greenapi, code, status):
    adapter = _greenapi(fake_greenapi)
    fake_greenapi.fail_next("code", code)
    result = adapter.send(_msg())
    assert (result.status, result.error_code) == (status, f"greenapi_{code}") and result.error_text


def test_greenapi_wrong_token_500_and_drop(fake_greenapi):
    adapter = _greenapi(fake_greenapi, token="wrong")
    assert (adapter.send(_msg()).status, adapter.send(_msg()).error_code) == ("failed", "greenapi_401")
    adapter = _greenapi(fake_greenapi)
    fake_greenapi.fail_next("http500")
    assert adapter.send(_msg()).status == "retry"
    fake_greenapi.fail_next("drop")
    assert adapter.send(_msg()).status == "unknown"


def _telegram(fake, token="123:tok-1234"):
    ch = Channel(kind="telegram", provider=Provider.TELEGRAM, name="Бот", secret=token, base_url=fake.url)
    return adapter_for(Provider.TELEGRAM, ch)


def test_telegram_sends_and_classifies_its_errors(fake_telegram):
    adapter = _telegram(fake_telegram)
    result = adapter.send(_msg(to="123456789", text="Новый лид"))
    assert (result.status, result.provider_id) == ("sent", "1")
    assert fake_telegram.received[0] == {"chat_id": "123456789", "text": "Новый лид"}
    for code, status in ((400, "failed"), (403, "failed"), (429, "retry")):
        fake_telegram.fail_next("code", code)
        refused = adapter.send(_msg(to="123456789"))
        assert (refused.status, refused.error_code) == (status, f"telegram_{code}") and refused.error_text
    assert _telegram(fake_telegram, token="123:wrong").send(_msg(to="1")).error_code == "telegram_401"
    too_long = adapter.send(_msg(to="1", text="я" * 4097))
    assert (too_long.status, too_long.error_code) == ("failed", "telegram_too_long")
    fake_telegram.fail_next("hang", 1.0)
    from legal_crm.messaging.channels.telegram import TelegramAdapter

    assert TelegramAdapter(adapter.channel, timeout=0.3).send(_msg(to="1")).status == "unknown"


# --- cost before sending (campaigns' planned cost) ----------------------------------------------------------------

def test_smsru_cost_asks_the_price_and_sends_nothing(fake_smsru):
    adapter = _smsru(fake_smsru)
    assert adapter.cost("Здравствуйте!", "+79161234567") == Decimal("3.49")
    assert adapter.cost("Я" * 71, "+79161234567") == Decimal("6.98")  # two UCS-2 parts
    assert fake_smsru.received == [] and fake_smsru.cost_requests[0]["to"] == "79161234567"


def test_smsru_cost_is_none_when_the_provider_refuses_or_is_down(fake_smsru):
    ch = Channel(kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="wrong-key", base_url=fake_smsru.url)
    assert SmsRuAdapter(ch, timeout=2.0).cost("Привет", "+79161234567") is None
    fake_smsru.stop()
    assert _smsru(fake_smsru, timeout=0.5).cost("Привет", "+79161234567") is None


def test_smsc_cost_uses_cost_1_and_sends_nothing(fake_smsc):
    adapter = _smsc(fake_smsc)
    assert adapter.cost("Hello", "+79161234567") == Decimal("2.10")
    assert adapter.cost("a" * 161, "+79161234567") == Decimal("4.20")  # two GSM-7 parts
    assert fake_smsc.received == [] and fake_smsc.accepted == {}
    bad = Channel(kind="sms", provider=Provider.SMSC, name="SMSC", login="shop", secret="nope", base_url=fake_smsc.url)
    assert SmscAdapter(bad, timeout=2.0).cost("Hello", "+79161234567") is None


def test_providers_without_a_cost_api_answer_none():
    assert adapter_for(Provider.CONSOLE).cost("Привет", "+79161234567") is None
