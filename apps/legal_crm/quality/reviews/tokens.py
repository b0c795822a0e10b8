"""The one-time link's token: random, sent once in the message; only its SHA-256 is stored, so neither the
database nor the desk's SMS log (the message is marked secret) lets anybody else leave the client's review."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.urls import reverse


def new_token() -> str:
    return secrets.token_urlsafe(16)  # 22 characters: short enough for an SMS, 128 bits


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def link_for(token: str) -> str:
    base = getattr(settings, "PUBLIC_URL", "").rstrip("/")
    return f"{base}{reverse('quality-review-link', args=[token])}"
