"""Handlers keeping the daily revenue summary (models.RevenueDay) exact (hooks.DOC_EVENTS): each recomputes the
cells a change touched from billing's rows, so a repeated delivery writes the same figures again."""

from __future__ import annotations

from legal_crm.billing.models import Payment, Refund

from .services.revenue_days import local_day, revenue_day_rebuild, revenue_days_of_contract


def on_payment_registered(*, payment_id: int, **_payload) -> None:
    row = Payment.objects.filter(pk=payment_id).values("paid_at", "contract__office_id").first()
    if row is not None:
        revenue_day_rebuild(row["contract__office_id"], local_day(row["paid_at"]))


def on_payment_refunded(*, refund_id: int, **_payload) -> None:
    row = Refund.objects.filter(pk=refund_id).values("refunded_at", "payment__contract__office_id").first()
    if row is not None:
        revenue_day_rebuild(row["payment__contract__office_id"], local_day(row["refunded_at"]))


def on_contract_service_changed(*, contract_id: int, office_id: int, **_payload) -> None:
    """A draft's service changed after money came in: its days' cells move from the old service to the new."""
    for day in sorted(revenue_days_of_contract(contract_id)):
        revenue_day_rebuild(office_id, day)
