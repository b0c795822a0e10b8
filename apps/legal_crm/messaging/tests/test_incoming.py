"""Clients' incoming messages: SMSC's incoming-SMS callback, GreenAPI's incomingMessageReceived webhook, Telegram
updates. Every one is stored (direction "in"); a stop word opts the address out of advertising for good through
the unsubscribe link's service; a forged callback changes nothing and is logged."""

import json
import logging

import pytest
from django.urls import reverse

from legal_crm.core.models import AuditLog
from legal_crm.messaging import services
from legal_crm.messaging.callbacks import callback_path, greenapi_webhook_token
from legal_crm.messaging.incoming import is_stop_word
from legal_crm.messaging.models import Channel, Message, OptOut, Provider
from legal_crm.messaging.notifications.telegram_link import poll_updates, webhook_secret

from .fakes.server import FakeGreenApi, FakeTelegram

pytestmark = pytest.mark.django_db

CLIENT = "+79161234567"


@pytest.fixture
def smsc(db, fake_smsc, office):
    return Channel.objects.create(office=office, kind="sms", provider=Provider.SMSC, name="SMSC", login="shop",
                                  secret=fake_smsc.PASSWORD, base_url=fake_smsc.url)


@pytest.fixture
def fake_greenapi():
    fake = FakeGreenApi().start()
    yield fake
    fake.stop()


@pytest.fixture
def whatsapp(db, fake_greenapi, office):
    return Channel.objects.create(office=office, kind="whatsapp", provider=Provider.GREENAPI, name="WhatsApp",
                                  login="1101", secret="tok-1234", base_url=fake_greenapi.url)


@pytest.fixture
def fake_telegram():
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(db, fake_telegram):
    return Channel.objects.create(kind="telegram", provider=Provider.TELEGRAM, name="Бот", secret="123:tok-1234",
                                  base_url=fake_telegram.url, office=None)


def _post(client, path, request):
    form, body, headers = request
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    if body is not None:
        return client.post(path, json.dumps(body), content_type="application/json", **extra)
    return client.post(path, form, **extra)


def _advert(office, to=CLIENT):
    return services.message_queue(actor_or_none=None, channel_kind="sms", to=to, text="Скидка на консультацию",
                                  office=office, advertising=True)


@pytest.mark.parametrize("text", ["СТОП", " стоп ", "Stop!", "STOP", "/stop", "Отписаться.", "«Стоп»", "unsubscribe",
                                  "/stop@legal_bot"])
def test_stop_words_are_recognised_trimmed_and_in_any_case(text):
    assert is_stop_word(text)


@pytest.mark.parametrize("text", ["", "Стоп, а когда суд?", "не стоп", "Спасибо", "стопка", "Перезвоните"])
def test_other_replies_are_not_stop_words(text):
    assert not is_stop_word(text)


def test_an_smsc_stop_reply_is_stored_and_opts_the_phone_out_for_good(smsc, fake_smsc, office, client):
    response = _post(client, callback_path(smsc), fake_smsc.incoming("79161234567", "СТОП"))
    assert (response.status_code, response.content) == (200, b"OK")
    reply = Message.objects.get(direction="in")
    assert (reply.to, reply.text, reply.status, reply.kind, reply.channel, reply.office) == (
        CLIENT, "СТОП", "received", "sms", smsc, office)
    opt = OptOut.objects.get(address=CLIENT)
    assert opt.message == reply and "СТОП" in opt.source
    audit = AuditLog.objects.get(action="messaging.opt_out")
    assert audit.after["message_id"] == reply.pk
    # Advertising is not sent any more — the same rule as the unsubscribe link's opt-out.
    assert _advert(office).status == Message.Status.SKIPPED
    # Non-advertising messages (a hearing reminder) still go.
    assert services.message_queue(actor_or_none=None, channel_kind="sms", to=CLIENT, text="Заседание завтра",
                                  office=office).status == Message.Status.QUEUED


def test_an_smsc_reply_that_is_no_stop_word_is_stored_only(smsc, fake_smsc, client):
    _post(client, callback_path(smsc), fake_smsc.incoming("79161234567", "Перезвоните мне после обеда"))
    assert Message.objects.get(direction="in").text == "Перезвоните мне после обеда"
    assert not OptOut.objects.exists()


def test_a_repeated_smsc_callback_stores_the_message_once(smsc, fake_smsc, client):
    request = fake_smsc.incoming("79161234567", "стоп", sms_id=55)
    _post(client, callback_path(smsc), request)
    _post(client, callback_path(smsc), request)
    assert Message.objects.filter(direction="in").count() == 1
    assert AuditLog.objects.filter(action="messaging.opt_out").count() == 1


def test_a_stop_reply_skips_advertising_already_waiting_in_the_outbox(smsc, fake_smsc, office, client):
    waiting = _advert(office)
    assert waiting.status == Message.Status.QUEUED
    _post(client, callback_path(smsc), fake_smsc.incoming("79161234567", "Стоп"))
    waiting.refresh_from_db()
    assert (waiting.status, waiting.error_code) == (Message.Status.SKIPPED, "opted_out")


@pytest.mark.parametrize("forgery", ["wrong_password", "wrong_token", "changed_text"])
def test_a_forged_smsc_callback_changes_nothing_and_is_logged(forgery, smsc, fake_smsc, client, caplog):
    request = fake_smsc.incoming("79161234567", "СТОП", password="guessed" if forgery == "wrong_password" else None)
    path = callback_path(smsc)
    if forgery == "wrong_token":
        path = path.replace(path.rstrip("/").rsplit("/", 1)[1], "0" * 32)
    if forgery == "changed_text":
        request[0]["mes"] = "stop"  # signed for «СТОП»
    with caplog.at_level(logging.WARNING, logger="legal_crm.messaging.callbacks"):
        assert _post(client, path, request).status_code == 403
    assert not Message.objects.exists() and not OptOut.objects.exists()
    assert "refused" in caplog.text and str(smsc.pk) in caplog.text


def test_an_smsc_delivery_report_on_the_same_url_is_confirmed_with_smsc(smsc, fake_smsc, office, client):
    from legal_crm.messaging import outbox
    from legal_crm.messaging.callbacks import smsc_signature

    message = services.message_queue(actor_or_none=None, channel_kind="sms", to=CLIENT, text="Напоминание",
                                     office=office)
    outbox.send_queued()
    message.refresh_from_db()
    report = {"id": message.provider_id, "phone": "79161234567", "status": "1"}
    report["md5"] = smsc_signature([report["id"], report["phone"], report["status"]], fake_smsc.PASSWORD)
    fake_smsc.states[message.provider_id] = 0  # SMSC itself says: still with the operator — the claim is not trusted
    assert client.post(callback_path(smsc), report).status_code == 200
    message.refresh_from_db()
    assert message.status == "sent"
    fake_smsc.states[message.provider_id] = 1
    client.post(callback_path(smsc), report)
    message.refresh_from_db()
    assert message.status == "delivered"


@pytest.mark.parametrize("extended", [False, True])
def test_a_whatsapp_stop_reply_through_greenapi_opts_out(extended, whatsapp, fake_greenapi, client):
    request = fake_greenapi.incoming(CLIENT, "Отписаться", webhook_token=greenapi_webhook_token(whatsapp),
                                     extended=extended)
    response = _post(client, callback_path(whatsapp), request)
    assert response.status_code == 200
    reply = Message.objects.get(direction="in")
    assert (reply.kind, reply.to, reply.provider_id) == ("whatsapp", CLIENT, "BAE5F4886F6F2D05")
    assert OptOut.objects.get(address=CLIENT).message == reply
    _post(client, callback_path(whatsapp), request)  # GreenAPI repeats a webhook it thinks was lost
    assert Message.objects.filter(direction="in").count() == 1


@pytest.mark.parametrize("forgery", ["token", "instance", "none"])
def test_a_forged_greenapi_webhook_changes_nothing(forgery, whatsapp, fake_greenapi, client, caplog):
    token = "forged" if forgery == "token" else greenapi_webhook_token(whatsapp)
    form, body, headers = fake_greenapi.incoming(CLIENT, "стоп", webhook_token=token,
                                                 instance=9999 if forgery == "instance" else 1101)
    if forgery == "none":
        headers = {}
    with caplog.at_level(logging.WARNING, logger="legal_crm.messaging.callbacks"):
        assert _post(client, callback_path(whatsapp), (form, body, headers)).status_code == 403
    assert not Message.objects.exists() and not OptOut.objects.exists()
    assert "refused" in caplog.text


def test_a_group_chat_message_is_not_a_clients_reply(whatsapp, fake_greenapi, client):
    form, body, headers = fake_greenapi.incoming(CLIENT, "стоп", webhook_token=greenapi_webhook_token(whatsapp))
    body["senderData"]["chatId"] = "120363043968066561@g.us"
    assert _post(client, callback_path(whatsapp), (form, body, headers)).status_code == 200
    assert not Message.objects.exists()


@pytest.mark.parametrize("change", [
    {"instanceData": [1]}, {"instanceData": "1101"}, {"senderData": "x"}, {"senderData": {"chatId": 79161234567}},
    {"senderData": [1]}, {"messageData": ["x"]}, {"messageData": {"textMessageData": "x"}},
    {"messageData": {"extendedTextMessageData": [1]}}, {"messageData": {"fileMessageData": 5}},
    {"idMessage": None}, {"idMessage": ""}, {"idMessage": 12345}, {"idMessage": ["x"]}, {"idMessage": "A" * 101},
])
def test_a_greenapi_webhook_of_another_shape_is_a_400_not_a_500(change, whatsapp, fake_greenapi, client):
    """A body GreenAPI never sends is refused with a reason (a 500 would make GreenAPI repeat it forever); an incoming
    message always carries its idMessage — without one a replay could not be recognised, so it is refused too."""
    form, body, headers = fake_greenapi.incoming(CLIENT, "Добрый день", webhook_token=greenapi_webhook_token(whatsapp))
    body.update(change)
    if change == {"idMessage": None}:
        del body["idMessage"]
    response = _post(client, callback_path(whatsapp), (form, body, headers))
    assert response.status_code == 400 and response.content in (b"bad payload", b"bad idMessage")
    assert not Message.objects.exists()


def test_a_greenapi_status_webhook_with_a_strange_id_is_a_400(whatsapp, fake_greenapi, client):
    _form, _body, headers = fake_greenapi.incoming(CLIENT, "", webhook_token=greenapi_webhook_token(whatsapp))
    body = {"typeWebhook": "outgoingMessageStatus", "instanceData": {"idInstance": 1101}, "idMessage": {"a": 1},
            "status": "delivered"}
    assert _post(client, callback_path(whatsapp), (None, body, headers)).status_code == 400


def _update(chat_id, text, message_id=1):
    return {"update_id": 7, "message": {"message_id": message_id, "text": text,
                                        "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id}}}


def test_a_telegram_stop_through_the_webhook_opts_the_chat_out_and_confirms(bot, fake_telegram, client):
    response = client.post(reverse("messaging-telegram-webhook", args=[bot.pk]), json.dumps(_update(5005, "/stop")),
                           content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=webhook_secret(bot))
    assert response.status_code == 200
    reply = Message.objects.get(direction="in")
    assert (reply.kind, reply.to, reply.text) == ("telegram", "5005", "/stop")
    assert OptOut.objects.get(address="5005").message == reply
    answer = Message.objects.get(direction="out", to="5005")
    assert "отписались" in answer.text and not answer.is_advertising


def test_a_telegram_update_read_by_webhook_and_polling_is_stored_once(bot, fake_telegram, client):
    update = fake_telegram.push_update(6006, "Стоп")
    client.post(reverse("messaging-telegram-webhook", args=[bot.pk]), json.dumps(update),
                content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=webhook_secret(bot))
    poll_updates()
    assert Message.objects.filter(direction="in").count() == 1
    assert Message.objects.filter(direction="out", to="6006").count() == 1  # one confirmation


def test_a_forged_telegram_stop_changes_nothing(bot, client, caplog):
    with caplog.at_level(logging.WARNING, logger="legal_crm.messaging.notifications.webhook"):
        response = client.post(reverse("messaging-telegram-webhook", args=[bot.pk]),
                               json.dumps(_update(5005, "стоп")), content_type="application/json",
                               HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="forged")
    assert response.status_code == 403
    assert not Message.objects.exists() and not OptOut.objects.exists()
    assert "refused" in caplog.text


def test_the_channel_page_shows_the_callback_address_and_greenapi_token(whatsapp, smsc, admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("admin:messaging_channel_change", args=[whatsapp.pk])).content.decode()
    assert callback_path(whatsapp) in page and greenapi_webhook_token(whatsapp) in page
    assert "tok-1234" not in page  # the instance token itself is never shown back
    page = client.get(reverse("admin:messaging_channel_change", args=[smsc.pk])).content.decode()
    assert callback_path(smsc) in page


def test_incoming_messages_are_in_the_sms_log_with_their_direction(smsc, fake_smsc, admin_user, client):
    _post(client, callback_path(smsc), fake_smsc.incoming("79161234567", "Когда заседание?"))
    client.force_login(admin_user)
    log = client.get(reverse("admin:messaging_message_changelist"), {"direction__exact": "in"}).content.decode()
    assert "+7 916 123-45-67" in log and "Входящее" in log


@pytest.mark.django_db(transaction=True)
def test_the_fake_smsc_posts_a_stop_reply_over_http_to_the_live_server(live_server, fake_smsc, office):
    channel = Channel.objects.create(office=office, kind="sms", provider=Provider.SMSC, name="SMSC", login="shop",
                                     secret=fake_smsc.PASSWORD, base_url=fake_smsc.url)
    response = fake_smsc.deliver(live_server.url + callback_path(channel), fake_smsc.incoming("79161234567", "STOP"))
    assert (response.status_code, response.text) == (200, "OK")
    assert OptOut.objects.get(address=CLIENT).message.text == "STOP"
