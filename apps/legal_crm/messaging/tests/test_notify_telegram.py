"""Linking Telegram: the one-time code (15 minutes, once), the webhook's secret token, getUpdates polling."""

import datetime
import io
import json

import pytest
import time_machine
from django.urls import reverse

from legal_crm.messaging.models import Channel, Message, Provider, TelegramCursor, TelegramLink
from legal_crm.messaging.notifications.telegram_link import (
    poll_updates,
    telegram_code_issue,
    telegram_link_by_code,
    telegram_unlink,
    webhook_secret,
)
from legal_crm.messaging.outbox import send_queued

from .fakes.server import FakeTelegram

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_telegram():
    fake = FakeTelegram().start()
    yield fake
    fake.stop()


@pytest.fixture
def bot(fake_telegram):
    return Channel.objects.create(kind="telegram", provider=Provider.TELEGRAM, name="Бот", secret="123:tok-1234",
                                  base_url=fake_telegram.url, office=None)


def test_a_code_links_once(operator):
    code, _expires = telegram_code_issue(actor=operator)
    link = telegram_link_by_code(code=code.lower(), chat_id="777", username="op")  # typed in any case
    assert (link.user, link.chat_id) == (operator, "777")
    assert telegram_link_by_code(code=code, chat_id="888") is None  # works once
    assert TelegramLink.objects.get(user=operator).chat_id == "777"


def test_a_code_expires_after_15_minutes(operator):
    start = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        code, expires = telegram_code_issue(actor=operator)
    assert expires == start + datetime.timedelta(minutes=15)
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert telegram_link_by_code(code=code, chat_id="777") is None
    assert not TelegramLink.objects.exists()


def test_a_new_code_voids_the_earlier_one_and_unlink_removes_the_chat(operator):
    first, _e = telegram_code_issue(actor=operator)
    second, _e = telegram_code_issue(actor=operator)
    assert telegram_link_by_code(code=first, chat_id="1") is None
    assert telegram_link_by_code(code=second, chat_id="1") is not None
    assert telegram_unlink(actor=operator) is True
    assert not TelegramLink.objects.filter(user=operator).exists()


def _update(chat_id, text):
    return {"update_id": 5, "message": {"message_id": 1, "text": text, "chat": {"id": chat_id, "type": "private"},
                                        "from": {"id": chat_id, "username": "op"}}}


def test_the_webhook_links_with_the_right_secret_and_answers_in_the_chat(operator, bot, client, fake_telegram):
    code, _e = telegram_code_issue(actor=operator)
    url = reverse("messaging-telegram-webhook", args=[bot.pk])
    response = client.post(url, json.dumps(_update(4242, f"/start {code}")), content_type="application/json",
                           HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=webhook_secret(bot))
    assert response.status_code == 200
    assert TelegramLink.objects.get(user=operator).chat_id == "4242"
    send_queued()  # what the commit's request would do
    reply = Message.objects.get(to="4242")
    assert reply.status == Message.Status.SENT and "привязан" in reply.text  # sent through the fake bot
    assert fake_telegram.received[-1]["chat_id"] == "4242"


@pytest.mark.parametrize("secret", ["", "forged", None])
def test_a_forged_webhook_call_is_refused_and_changes_nothing(operator, bot, client, secret):
    code, _e = telegram_code_issue(actor=operator)
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    response = client.post(reverse("messaging-telegram-webhook", args=[bot.pk]),
                           json.dumps(_update(4242, f"/start {code}")), content_type="application/json", **headers)
    assert response.status_code == 403
    assert not TelegramLink.objects.exists()
    assert telegram_link_by_code(code=code, chat_id="1") is not None  # the code still works


def test_polling_reads_each_update_once(operator, bot, fake_telegram):
    code, _e = telegram_code_issue(actor=operator)
    fake_telegram.push_update(99, "привет")
    fake_telegram.push_update(100, f"/start {code}")
    assert poll_updates() == 1
    assert TelegramLink.objects.get(user=operator).chat_id == "100"
    assert TelegramCursor.objects.get(channel=bot).next_offset == 1002
    assert poll_updates() == 0  # the same updates are not read again
    assert Message.objects.filter(to="100").count() == 1  # one answer


def test_polling_skips_a_bot_with_a_webhook(operator, bot, fake_telegram):
    from django.core.management import call_command

    call_command("telegram_set_webhook", bot.pk, "https://crm.example/", stdout=io.StringIO())
    assert fake_telegram.webhook == {"url": f"https://crm.example/callbacks/messaging/telegram/{bot.pk}/",
                                     "secret_token": webhook_secret(bot), "allowed_updates": ["message"]}
    fake_telegram.push_update(100, "/start X")
    assert poll_updates() == 0
    assert TelegramCursor.objects.get(channel=bot).next_offset == 0


def test_the_mine_page_gives_a_code_and_unlinks(operator, client):
    client.force_login(operator)
    mine = reverse("admin:messaging_notification_mine")
    page = client.get(mine)
    assert "Привязать Telegram" in page.content.decode()
    response = client.post(reverse("admin:messaging_notification_telegram"), {"do": "link"}, follow=True)
    text = response.content.decode()
    assert "/start " in text and "Код действует до" in text
    TelegramLink.objects.create(user=operator, chat_id="5")
    client.post(reverse("admin:messaging_notification_telegram"), {"do": "unlink"})
    assert not TelegramLink.objects.exists()
