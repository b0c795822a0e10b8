"""What a client paid on a contract, as billing knows it.

Contracts sit below billing, so they never import it: the amount comes from the callable named by
settings.CONTRACTS_PAID_AMOUNT_FUNCTION (default: billing's `selectors.contract_paid_total`). When that
path is not installed in this build, nothing was paid through the system, so the amount is zero.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_PATH = "legal_crm.billing.selectors.contract_paid_total"


def _paid_function():
    path = getattr(settings, "CONTRACTS_PAID_AMOUNT_FUNCTION", DEFAULT_PATH)
    try:
        return import_string(path)
    except ImportError:
        return None


def paid_amount(contract) -> Decimal:
    fn = _paid_function()
    if fn is None:
        return Decimal("0.00")
    return Decimal(fn(contract)).quantize(Decimal("0.01"))
