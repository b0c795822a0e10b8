"""Callbacks of the providers: delivery reports and clients' incoming messages.

Every callback URL names its channel and is verified before anything changes; a forged request (wrong token,
signature or secret) is answered 403, logged with the caller's address and changes nothing.

- SMS.ru POSTs `data[N]` fields, each "sms_status\\n<sms_id>\\n<status code>\\n<unix time>", to the URL set in its
  account, and expects the answer "100". The request carries no signature, so it is verified twice: the URL holds a
  per-channel token (an HMAC of the channel and its key: a guessed or old URL is refused), and the status it claims
  is never trusted — the message's status is asked from SMS.ru itself (outbox.check_statuses). SMS.ru's callback has
  no incoming-message type.
- SMSC.ru POSTs an incoming SMS to the «URL для входящих» of the account: `id`, `phone` (the sender), `mes`, `to`
  (our number), `sent`, `time` and `md5` = md5 of "<id>:<phone>:<mes>:<password>" (the channel's secret). The same
  URL may receive its delivery reports (`id`, `phone`, `status`, no `mes`), signed alike over
  "<id>:<phone>:<status>:<password>"; their status is asked from SMSC again, as for SMS.ru. The URL carries the
  channel's token as well.
- GreenAPI (WhatsApp) POSTs JSON webhooks with the instance's `webhookUrlToken` as "Authorization: Bearer <token>";
  the token is derived per channel (shown on the channel's desk page for pasting into GreenAPI's console), and the
  body's instance id must be the channel's. `incomingMessageReceived` stores the message; `outgoingMessageStatus`
  makes us ask GreenAPI for that message's status.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import outbox
from .incoming import incoming_receive
from .models import Channel, Kind, Provider

logger = logging.getLogger(__name__)


def callback_token(channel: Channel, purpose: str = "messaging.smsru_callback") -> str:
    return salted_hmac(purpose, f"{channel.pk}:{channel.secret}").hexdigest()[:32]


def callback_path(channel: Channel) -> str:
    """The path (after the site's address) to give the provider for this channel, or "" when it calls nothing."""
    if channel.provider == Provider.SMSRU:
        return reverse("messaging-smsru-callback", args=[channel.pk, callback_token(channel)])
    if channel.provider == Provider.SMSC:
        return reverse("messaging-smsc-callback", args=[channel.pk, callback_token(channel, SMSC_SALT)])
    if channel.provider == Provider.GREENAPI:
        return reverse("messaging-greenapi-webhook", args=[channel.pk])
    return ""


SMSC_SALT = "messaging.smsc_callback"
GREENAPI_SALT = "messaging.greenapi_webhook"


def greenapi_webhook_token(channel: Channel) -> str:
    """The webhookUrlToken to set in GreenAPI's console: GreenAPI sends it back as a Bearer token."""
    return callback_token(channel, GREENAPI_SALT)


def _forged(request, channel_id, why: str):
    logger.warning("messaging callback refused: channel %s, %s, from %s", channel_id, why,
                   request.META.get("REMOTE_ADDR", "?"))
    return HttpResponseForbidden("forbidden")


@csrf_exempt
@require_POST
def smsru_callback(request, channel_id: int, token: str):
    channel = Channel.objects.filter(pk=channel_id, provider=Provider.SMSRU).first()
    if channel is None or not constant_time_compare(token, callback_token(channel)):
        return _forged(request, channel_id, "wrong SMS.ru token")
    ids = []
    for key, values in request.POST.lists():
        if not key.startswith("data["):
            continue
        for value in values:
            parts = value.strip().split("\n")
            if len(parts) >= 3 and parts[0].strip() == "sms_status":
                ids.append(parts[1].strip())
    if ids:
        outbox.check_statuses(channel, ids)
    return HttpResponse("100", content_type="text/plain")


def smsc_signature(fields: list[str], password: str) -> str:
    # md5 is SMSC's choice (the protocol), not ours: the URL's HMAC token is the stronger check
    return hashlib.md5(":".join([*fields, password]).encode()).hexdigest()


@csrf_exempt
@require_POST
def smsc_callback(request, channel_id: int, token: str):
    channel = Channel.objects.filter(pk=channel_id, provider=Provider.SMSC, is_active=True).first()
    if channel is None or not constant_time_compare(token, callback_token(channel, SMSC_SALT)):
        return _forged(request, channel_id, "wrong SMSC token")
    data = request.POST
    sms_id, phone = data.get("id", ""), data.get("phone", "")
    incoming = "mes" in data
    signed = [sms_id, phone, data.get("mes", "")] if incoming else [sms_id, phone, data.get("status", "")]
    if not sms_id or not constant_time_compare(data.get("md5", "").lower(), smsc_signature(signed, channel.secret)):
        return _forged(request, channel_id, "wrong SMSC md5")
    if incoming:
        incoming_receive(channel=channel, kind=Kind.SMS, address=phone, text=data.get("mes", ""),
                         provider_id=f"in-{sms_id}")
    else:
        outbox.check_statuses(channel, [sms_id])
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
@require_POST
def greenapi_webhook(request, channel_id: int):
    channel = Channel.objects.filter(pk=channel_id, provider=Provider.GREENAPI, is_active=True).first()
    bearer = request.headers.get("Authorization", "")
    if channel is None or not constant_time_compare(bearer, f"Bearer {greenapi_webhook_token(channel)}"):
        return _forged(request, channel_id, "wrong GreenAPI token")
    try:
        hook = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("bad json")
    if not isinstance(hook, dict):
        return HttpResponseBadRequest("bad json")
    instance = hook.get("instanceData") or {}
    if not isinstance(instance, dict):
        return HttpResponseBadRequest("bad payload")
    if str(instance.get("idInstance", "")) != str(channel.login):
        return _forged(request, channel_id, "another GreenAPI instance")
    kind = hook.get("typeWebhook")
    if kind == "incomingMessageReceived":
        try:
            sender, text, message_id = _greenapi_incoming(hook)
        except ValueError as exc:
            return HttpResponseBadRequest(str(exc))
        if sender.endswith("@c.us"):  # a person's chat; group chats (@g.us) are not a client's reply
            incoming_receive(channel=channel, kind=Kind.WHATSAPP, address="+" + sender.split("@", 1)[0],
                             text=text, provider_id=message_id)
    elif kind == "outgoingMessageStatus" and hook.get("idMessage"):
        if not _greenapi_id(hook.get("idMessage")):
            return HttpResponseBadRequest("bad payload")
        outbox.check_statuses(channel, [hook["idMessage"]])
    return HttpResponse("ok", content_type="text/plain")  # any 200: GreenAPI repeats the webhook otherwise


_ID_MAX = 100  # Message.provider_id's max_length


def _greenapi_id(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= _ID_MAX


def _greenapi_incoming(hook: dict) -> tuple[str, str, str]:
    """(sender chatId, text, idMessage) of an incomingMessageReceived webhook; ValueError (the reason of the 400) for
    a body of another shape. GreenAPI names every incoming message by its idMessage, and a replayed webhook is
    recognised by it: a message without one would be stored again on every replay, so it is refused."""
    sender = hook.get("senderData") or {}
    data = hook.get("messageData") or {}
    if not isinstance(sender, dict) or not isinstance(data, dict):
        raise ValueError("bad payload")
    chat = sender.get("chatId", "")
    if not isinstance(chat, str):
        raise ValueError("bad payload")
    message_id = hook.get("idMessage")
    if not _greenapi_id(message_id):
        raise ValueError("bad idMessage")
    return chat, _greenapi_text(data), message_id


_GREENAPI_PARTS = (("textMessageData", "textMessage"), ("extendedTextMessageData", "text"), ("quotedMessage", "text"),
                   ("fileMessageData", "caption"))


def _greenapi_text(data: dict) -> str:
    """The text of a GreenAPI message: plain, extended (with a link preview) or a quoted reply; "" for media.
    ValueError when a part of it is not the object GreenAPI sends."""
    if any(not isinstance(data.get(key) or {}, dict) for key, _field in _GREENAPI_PARTS):
        raise ValueError("bad payload")
    for key, field in _GREENAPI_PARTS[:3]:
        value = (data.get(key) or {}).get(field)
        if value:
            return str(value)
    caption = (data.get("fileMessageData") or {}).get("caption")
    return str(caption or f"[{data.get('typeMessage', 'message')}]")
