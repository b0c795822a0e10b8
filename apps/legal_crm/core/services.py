"""Writes of the core that thin layers (the API, the desk) call."""

from __future__ import annotations

from django.db import transaction

from .audit import audit


@transaction.atomic
def api_token_obtain(*, user):
    """The user's API token, issued on the first login through the API (audited when issued)."""
    from rest_framework.authtoken.models import Token

    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit(actor=user, action="api.token_issued", obj=user)
    return token
