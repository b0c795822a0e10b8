"""The error codes of the portal module: every code its services raise besides core.errors.CoreCode."""

from enum import StrEnum


class Code(StrEnum):
    ACCOUNT_BLOCKED = "account_blocked"
    ADDRESS_TOO_LONG = "address_too_long"
    CODE_ATTEMPTS = "code_attempts"
    CODE_EXPIRED = "code_expired"
    CODE_INVALID = "code_invalid"
    CODE_USED = "code_used"
    CURRENT_PASSWORD_INVALID = "current_password_invalid"
    GATEWAY_ERROR = "gateway_error"
    GATEWAY_OFF = "gateway_off"
    INVOICE_NOT_PAYABLE = "invoice_not_payable"
    NO_ACCESS = "no_access"
    NO_PHONE = "no_phone"
    PASSWORD_INVALID = "password_invalid"
    PASSWORD_WEAK = "password_weak"
    PAYMENT_IN_PROGRESS = "payment_in_progress"
    PHONE_INVALID = "phone_invalid"
    RATE_LIMITED = "rate_limited"
    TEXT_REQUIRED = "text_required"
    TEXT_TOO_LONG = "text_too_long"
