"""Linking an employee's Telegram: a one-time code (15 minutes, works once) the person sends to the bot as
`/start CODE`; the bot's updates arrive by webhook (callbacks.telegram_webhook, verified by the secret token) or
are read by the polling job (`poll_updates`). Only the code's hash is stored."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.guard import denied

from ..models import Channel, Kind, Message, Provider, TelegramCursor, TelegramLink, TelegramLinkCode

logger = logging.getLogger(__name__)

CODE_TTL = datetime.timedelta(minutes=15)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen and typed on a phone


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _person(actor):
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise denied()


@transaction.atomic
def telegram_code_issue(*, actor) -> tuple[str, datetime.datetime]:
    """A new code for the actor (their earlier unused codes stop working); returns (code, expires_at)."""
    _person(actor)
    TelegramLinkCode.objects.filter(user=actor, used_at__isnull=True).delete()
    code = "".join(secrets.choice(ALPHABET) for _i in range(8))
    expires = timezone.now() + CODE_TTL
    row = TelegramLinkCode.objects.create(user=actor, code_hash=_hash(code), expires_at=expires)
    audit(actor=actor, action="messaging.telegram_code", obj=row, after={"expires_at": expires.isoformat()})
    return code, expires


@transaction.atomic
def telegram_link_by_code(*, code: str, chat_id: str, username: str = "") -> TelegramLink | None:
    """The bot received `/start CODE` from a chat: link it to the code's owner. None: no such valid code."""
    row = (TelegramLinkCode.objects.select_for_update().select_related("user")
           .filter(code_hash=_hash(code)).first())
    now = timezone.now()
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    row.used_at = now
    row.save(update_fields=["used_at"])
    link, _created = TelegramLink.objects.update_or_create(
        user=row.user, defaults={"chat_id": str(chat_id), "username": username[:100]})
    audit(actor=None, action="messaging.telegram_link", obj=link, after={"chat_id": str(chat_id)})
    return link


@transaction.atomic
def telegram_unlink(*, actor) -> bool:
    _person(actor)
    link = TelegramLink.objects.filter(user=actor).first()
    if link is None:
        return False
    audit(actor=actor, action="messaging.telegram_unlink", obj=link, before={"chat_id": link.chat_id})
    link.delete()
    return True


def webhook_secret(channel: Channel) -> str:
    """The X-Telegram-Bot-Api-Secret-Token given to setWebhook for this bot (derived, never stored)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"telegram-webhook:{channel.pk}:{channel.secret}".encode(), hashlib.sha256).hexdigest()


def handle_update(channel: Channel | None, update: dict) -> bool:
    """One update of the bot: `/start CODE` links the chat and answers it (True when a chat was linked); any other
    text is a client's (or employee's) incoming message — stored in the SMS log, a stop word («стоп», /stop) opts
    the chat out of advertising for good and is confirmed in the chat."""
    message = update.get("message") or {}
    text = (message.get("text") or "").strip()
    chat = message.get("chat") or {}
    chat_id = chat.get("id")
    if chat_id is None:
        return False
    if not text.startswith("/start"):
        if channel is not None and chat.get("type", "private") == "private":
            _incoming(channel, message, str(chat_id), text)
        return False
    parts = text.split(maxsplit=1)
    code = parts[1] if len(parts) > 1 else ""
    link = telegram_link_by_code(code=code, chat_id=str(chat_id),
                                 username=str((message.get("from") or {}).get("username") or "")) if code else None
    if link is None and TelegramLink.objects.filter(chat_id=str(chat_id)).exists() and code:
        return False  # the same /start read twice (webhook and polling): the chat is already linked, stay quiet
    answer = (_("Telegram привязан: уведомления Legal CRM будут приходить сюда.") if link else
              _("Код не подошёл или устарел. Получите новый на странице «Мои уведомления» и отправьте /start КОД."))
    _reply(channel, link, str(chat_id), answer)
    return link is not None


def _incoming(channel: Channel, message: dict, chat_id: str, text: str) -> None:
    from ..incoming import incoming_receive, is_stop_word

    provider_id = f"{chat_id}:{message.get('message_id', '')}"  # message ids are unique within a chat
    with transaction.atomic():
        known = Message.objects.filter(channel=channel, provider_id=provider_id,
                                       direction=Message.Direction.INCOMING).exists()
        stored = incoming_receive(channel=channel, kind=Kind.TELEGRAM, address=chat_id,
                                  text=text or _("[не текст]"), provider_id=provider_id)
    if stored is not None and not known and is_stop_word(text):
        _reply(channel, None, chat_id, _("Вы отписались от рекламных рассылок. Служебные сообщения по вашему делу "
                                         "будут приходить, как прежде."))


def _reply(channel, link, chat_id: str, text: str) -> None:
    from ..services import message_queue

    office = channel.office if channel is not None else None
    if link is not None:
        employee = getattr(link.user, "employee", None) if hasattr(link.user, "employee") else None
        office = getattr(employee, "main_office", None) or office
    with transaction.atomic():
        message_queue(actor_or_none=None, channel_kind=Kind.TELEGRAM, to=chat_id, text=text, office=office,
                      subject=("messaging.telegram_link", chat_id))


def poll_updates() -> int:
    """Every minute: read each active bot's new updates (getUpdates from the stored offset). A bot with a webhook
    answers 409 to getUpdates and is skipped. Safe to run twice: the offset moves under the cursor's row lock."""
    from ..channels.telegram import TelegramAdapter, TelegramError

    handled = 0
    for channel in Channel.objects.filter(provider=Provider.TELEGRAM, is_active=True):
        with transaction.atomic():
            cursor, _created = TelegramCursor.objects.select_for_update().get_or_create(channel=channel)
            try:
                updates = TelegramAdapter(channel).get_updates(offset=cursor.next_offset)
            except TelegramError as exc:
                logger.warning("telegram channel %s: getUpdates failed: %s", channel.pk, exc)
                continue
            for update in updates:
                handled += handle_update(channel, update)
                cursor.next_offset = max(cursor.next_offset, int(update.get("update_id", 0)) + 1)
            cursor.save(update_fields=["next_offset"])
    return handled
