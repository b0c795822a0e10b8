"""Point a Telegram bot's updates at the desk's webhook: `manage.py telegram_set_webhook CHANNEL_ID https://crm.example`.
The secret token is derived from the bot's token (notifications.telegram_link.webhook_secret), never stored; with a
webhook set the polling job skips the bot (getUpdates answers 409)."""

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from legal_crm.messaging.channels.telegram import TelegramAdapter, TelegramError
from legal_crm.messaging.models import Channel, Provider
from legal_crm.messaging.notifications.telegram_link import webhook_secret


class Command(BaseCommand):
    help = "Set the Telegram bot's webhook to this desk (the bot's updates: employees linking Telegram)."

    def add_arguments(self, parser):
        parser.add_argument("channel_id", type=int)
        parser.add_argument("base_url", help="the desk's public address, https://…")

    def handle(self, *args, channel_id, base_url, **options):
        channel = Channel.objects.filter(pk=channel_id, provider=Provider.TELEGRAM).first()
        if channel is None:
            raise CommandError(f"no Telegram channel {channel_id}")
        url = base_url.rstrip("/") + reverse("messaging-telegram-webhook", args=[channel.pk])
        try:
            TelegramAdapter(channel).set_webhook(url=url, secret_token=webhook_secret(channel))
        except TelegramError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"webhook set: {url}")
