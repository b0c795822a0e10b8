"""Links that leave the system (an SMS, an e-mail, a messenger message) are absolute: a reader outside the site
cannot follow `/portal/` or `/admin/…`. They are built on `settings.PUBLIC_URL` (the address people reach the site
at; `bin/run` sets it to its own HOST:PORT unless given), as the unsubscribe and review links are. A link that is
already absolute (a PORTAL_URL or DESK_URL set to another host) is kept as it is."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def is_absolute(link: str) -> bool:
    """http://…, https://… (any scheme) or a scheme-relative //host/…: nothing to put in front."""
    parts = urlsplit(link)
    return bool(parts.scheme or parts.netloc)


def absolute_url(link: str, *, base: str | None = None) -> str:
    """`link` (a path such as reverse() gives) on the site's public address; an absolute link unchanged, "" stays
    "". `base`: another address to build on (the desk's DESK_URL) — PUBLIC_URL when empty."""
    if not link or is_absolute(link):
        return link
    root = (base or getattr(settings, "PUBLIC_URL", "") or "").rstrip("/")
    return f"{root}/{link.lstrip('/')}"
