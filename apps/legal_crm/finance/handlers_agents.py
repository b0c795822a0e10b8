"""Event handlers of agents' payouts (hooks.DOC_EVENTS); idempotent — see services/agents.py."""

from __future__ import annotations

from legal_crm.billing.models import Payment, Refund

from .services.agents import accrue_on_payment, reverse_on_refund


def on_payment_registered(*, payment_id: int, **_payload) -> None:
    payment = Payment.objects.select_related("contract__lead").filter(pk=payment_id).first()
    if payment is not None:
        accrue_on_payment(payment)


def on_payment_refunded(*, refund_id: int, **_payload) -> None:
    refund = Refund.objects.filter(pk=refund_id).first()
    if refund is not None:
        reverse_on_refund(refund)
