"""The error codes of the billing module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). API clients branch on them."""

from enum import StrEnum


class Code(StrEnum):
    CONTRACT_TERMINATED = "contract_terminated"
    DOCUMENT_TOO_LARGE = "document_too_large"
    DOCUMENT_TYPE = "document_type"
    DUE_DATE_BEFORE_ISSUE = "due_date_before_issue"
    DUE_DAYS = "due_days"
    DUPLICATE_REFERENCE = "duplicate_reference"
    ENDED_ON = "ended_on"
    INSTALMENT_TOO_SMALL = "instalment_too_small"
    INVOICE_CANCELLED = "invoice_cancelled"
    INVOICE_HAS_PAYMENTS = "invoice_has_payments"
    INVOICE_KIND = "invoice_kind"
    INVOICE_NOT_OPEN = "invoice_not_open"
    ITEM_INVOICED = "item_invoiced"
    METHOD_INVALID = "method_invalid"
    METHOD_UNAVAILABLE = "method_unavailable"
    NO_ADVANCE = "no_advance"
    OVERPAYMENT = "overpayment"
    PAID_AT_FUTURE = "paid_at_future"
    PERIOD_REQUIRED = "period_required"
    REASON_REQUIRED = "reason_required"
    REFUND_EXCEEDS_PAID = "refund_exceeds_paid"
    SCHEDULE_CANCELLED = "schedule_cancelled"
    SCHEDULE_EXISTS = "schedule_exists"
    SCHEDULE_MONTHS = "schedule_months"
    SCHEDULE_TOTAL = "schedule_total"
    SUBSCRIPTION_EXISTS = "subscription_exists"
    SUBSCRIPTION_INACTIVE = "subscription_inactive"
