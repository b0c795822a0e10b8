"""Handlers of the contracts module's events (hooks.DOC_EVENTS). `leads` sits below `contracts` and never imports
it: the event's payload carries the lead and the client it needs."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .services import lead_mark_converted


def on_contract_signed(*, lead_id: int | None = None, client_id: int | None = None, actor_id: int | None = None,
                       **_payload) -> None:
    """The contract made from a lead is signed: the lead becomes a client («Клиент»)."""
    if lead_id is None:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    lead_mark_converted(lead_id=lead_id, client_id=client_id, actor=actor)
