"""Billing writes. Import services from here: `from legal_crm.billing import services`."""

from .invoices import derive_status, invoice_cancel, invoice_issue, recompute_invoice
from .payments import (
    advance_apply,
    contract_refund,
    payment_attach_document,
    payment_refund,
    payment_register,
)
from .plans import (
    schedule_cancel,
    schedule_create,
    schedule_item_issue,
    split_amount,
    subscription_start,
    subscription_stop,
)

__all__ = [
    "advance_apply", "contract_refund", "derive_status", "invoice_cancel", "invoice_issue", "payment_attach_document",
    "payment_refund", "payment_register", "recompute_invoice", "schedule_cancel", "schedule_create",
    "schedule_item_issue", "split_amount", "subscription_start", "subscription_stop",
]
