"""The Telegram bot's webhook: Telegram POSTs each update with the secret token given to setWebhook in the
X-Telegram-Bot-Api-Secret-Token header; a request without the right token is refused (403) and changes nothing."""

from __future__ import annotations

import json
import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..models import Channel, Provider
from .telegram_link import handle_update, webhook_secret

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def telegram_webhook(request, channel_id: int):
    channel = Channel.objects.filter(pk=channel_id, provider=Provider.TELEGRAM, is_active=True).first()
    token = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if channel is None or not token or not constant_time_compare(token, webhook_secret(channel)):
        logger.warning("telegram webhook refused: channel %s, wrong secret token, from %s", channel_id,
                       request.META.get("REMOTE_ADDR", "?"))
        return HttpResponseForbidden("forbidden")
    try:
        update = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("bad json")
    if isinstance(update, dict):
        handle_update(channel, update)
    return HttpResponse("ok", content_type="text/plain")  # any 2xx: Telegram would resend otherwise
