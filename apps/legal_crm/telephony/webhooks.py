"""Notifications of the webhook PBXs (Mango Office, Zadarma).

The URL names the PBX row and carries a per-PBX token (an HMAC of its id and secret), so a guessed or old URL is
refused before the body is read; then the provider's own signature is checked by its adapter. A wrong signature
answers 403 and changes nothing; a body we cannot read answers 400; both are logged. A replayed notification is
harmless: applying an event is idempotent (services.call_event_apply).
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt

from . import services
from .adapters import adapter_for
from .adapters.base import BadPayload, SignatureError
from .models import Pbx, PbxKind

logger = logging.getLogger("legal_crm.telephony.webhooks")


def webhook_token(pbx: Pbx) -> str:
    return salted_hmac("telephony.webhook", f"{pbx.pk}:{pbx.secret}").hexdigest()[:32]


def webhook_path(pbx: Pbx) -> str:
    name = "telephony-mango" if pbx.kind == PbxKind.MANGO else "telephony-zadarma"
    path = reverse(name, args=[pbx.pk, webhook_token(pbx)] + (["call"] if pbx.kind == PbxKind.MANGO else []))
    # Mango appends /events/<kind> to the address it is given: show the part to paste.
    return path.rsplit("/events/", 1)[0] + "/" if pbx.kind == PbxKind.MANGO else path


def _pbx(pbx_id: int, token: str, kind: str) -> Pbx | None:
    pbx = Pbx.objects.filter(pk=pbx_id, kind=kind, is_active=True).first()
    if pbx is None or not constant_time_compare(token, webhook_token(pbx)):
        return None
    return pbx


def _receive(request, pbx: Pbx, params: dict) -> HttpResponse:
    try:
        events = adapter_for(pbx).parse_webhook(headers=request.headers, params=params)
    except SignatureError:
        logger.warning("telephony webhook with a wrong signature: pbx %s from %s", pbx.pk,
                       request.META.get("REMOTE_ADDR"))
        return HttpResponseForbidden("bad signature")
    except (BadPayload, ValueError) as exc:
        logger.warning("telephony webhook not understood: pbx %s: %s", pbx.pk, exc)
        return HttpResponseBadRequest("bad payload")
    for event in events:
        services.call_event_apply(pbx=pbx, event=event)
    return HttpResponse("OK", content_type="text/plain")


@csrf_exempt
def mango_events(request, pbx_id: int, token: str, event: str):
    pbx = _pbx(pbx_id, token, PbxKind.MANGO)
    if pbx is None:
        return HttpResponseForbidden("forbidden")
    if request.method != "POST":
        return HttpResponseBadRequest("POST expected")
    return _receive(request, pbx, {**request.POST.dict(), "_event": event})


@csrf_exempt
def zadarma_events(request, pbx_id: int, token: str):
    pbx = _pbx(pbx_id, token, PbxKind.ZADARMA)
    if pbx is None:
        return HttpResponseForbidden("forbidden")
    if request.method == "GET" and request.GET.get("zd_echo"):  # Zadarma checks the address when it is saved
        return HttpResponse(request.GET["zd_echo"][:100], content_type="text/plain")
    if request.method != "POST":
        return HttpResponseBadRequest("POST expected")
    return _receive(request, pbx, request.POST.dict())
