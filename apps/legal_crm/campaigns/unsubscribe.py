"""The unsubscribe link of advertising messages: /u/<token>/, public, signed, short enough for an SMS.

The token names the address itself (a phone as base-36 digits, an e-mail in URL-safe base64) and an HMAC of it, so
the link needs no table and works for any message that carried it. Opening the link only shows a confirmation
page (mail scanners and link previews open links): the opt-out is the page's POST, through messaging.services.opt_out
— for good, as a «СТОП» reply.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from legal_crm.messaging.services import opt_out

SALT = "campaigns.unsubscribe"


def _sign(body: str) -> str:
    return salted_hmac(SALT, body).hexdigest()[:12]


def token_for(address: str) -> str:
    if address.startswith("+") and address[1:].isdigit():
        body = "p" + _base36(int(address[1:]))
    else:
        body = "e" + base64.urlsafe_b64encode(address.lower().encode()).decode().rstrip("=")
    return f"{body}.{_sign(body)}"


def address_of(token: str) -> str | None:
    body, _dot, sig = (token or "").partition(".")
    if not body or not constant_time_compare(sig, _sign(body)):
        return None
    try:
        if body[0] == "p":
            return "+" + str(int(body[1:], 36))
        if body[0] == "e":
            raw = body[1:]
            return base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def link_for(address: str) -> str:
    base = getattr(settings, "PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('campaigns-unsubscribe', args=[token_for(address)])}"


def unsubscribe_links(recipients) -> dict[int, str]:
    """The {unsubscribe_link} tag (hooks.MESSAGE_TAGS): one link per recipient, by its address."""
    return {i: link_for(r.address) for i, r in enumerate(recipients) if r.address}


@csrf_exempt  # a public page reached from an SMS: no session, the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    address = address_of(token)
    if address is None:
        raise Http404
    done = False
    if request.method == "POST":
        opt_out(actor_or_none=None, address=address, source="ссылка отписки")
        done = True
    return render(request, "campaigns/unsubscribe.html", {"done": done, "masked": _mask(address)})


def _mask(address: str) -> str:
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:2]}…@{domain}"
    return f"{address[:2]}…{address[-4:]}"
