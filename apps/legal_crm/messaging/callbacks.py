"""Delivery callbacks of the providers.

SMS.ru POSTs `data[N]` fields, each "sms_status\\n<sms_id>\\n<status code>\\n<unix time>", to the URL set in its
account, and expects the answer "100". The request carries no signature, so it is verified twice: the URL holds a
per-channel token (an HMAC of the channel and its key: a guessed or old URL is refused), and the status it claims is
never trusted — the message's status is asked from SMS.ru itself (outbox.check_statuses).
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import outbox
from .models import Channel, Provider


def callback_token(channel: Channel) -> str:
    return salted_hmac("messaging.smsru_callback", f"{channel.pk}:{channel.secret}").hexdigest()[:32]


def callback_path(channel: Channel) -> str:
    return reverse("messaging-smsru-callback", args=[channel.pk, callback_token(channel)])


@csrf_exempt
@require_POST
def smsru_callback(request, channel_id: int, token: str):
    channel = Channel.objects.filter(pk=channel_id, provider=Provider.SMSRU).first()
    if channel is None or not constant_time_compare(token, callback_token(channel)):
        return HttpResponseForbidden("forbidden")
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
