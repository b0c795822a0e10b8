"""What a client paid on a contract, as billing knows it.

Contracts sit below billing, so they never import it: the amount comes from the provider registered in
hooks.CONTRACT_PAID_AMOUNT (billing's `selectors.contract_paid_total`). In a build without a payments module
nothing was paid through the system, so the amount is zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.module_loading import import_string

from legal_crm import hooks


def paid_amount(contract) -> Decimal:
    path = hooks.CONTRACT_PAID_AMOUNT
    if not path:
        return Decimal("0.00")
    return Decimal(import_string(path)(contract)).quantize(Decimal("0.01"))
