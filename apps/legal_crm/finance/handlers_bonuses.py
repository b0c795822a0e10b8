"""Event handlers accruing client bonuses (hooks.DOC_EVENTS); idempotent — see services/bonus_rules.py."""

from __future__ import annotations

from legal_crm.billing.models import Payment
from legal_crm.contracts.models import Contract

from .services.bonus_rules import accrue_for_payment_on_time, accrue_for_referral


def on_payment_registered(*, payment_id: int, **_payload) -> None:
    payment = (Payment.objects.select_related("invoice", "contract__client", "contract__office")
               .filter(pk=payment_id).first())
    if payment is not None:
        accrue_for_payment_on_time(payment)


def on_contract_signed(*, contract_id: int, **_payload) -> None:
    contract = Contract.objects.select_related("client").filter(pk=contract_id).first()
    if contract is not None:
        accrue_for_referral(contract)
