"""The error codes of the finance module: every code its services raise besides core.errors.CoreCode."""

from enum import StrEnum


class Code(StrEnum):
    BONUS_CONTRACT_INACTIVE = "bonus_contract_inactive"
    BONUS_INSUFFICIENT = "bonus_insufficient"
    BONUS_LIMIT = "bonus_limit"
    CERTIFICATE_CANCELLED = "certificate_cancelled"
    CERTIFICATE_EXPIRED = "certificate_expired"
    CERTIFICATE_INSUFFICIENT = "certificate_insufficient"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    CERTIFICATE_OTHER_CLIENT = "certificate_other_client"
    CERTIFICATE_OTHER_SERVICE = "certificate_other_service"
    CERTIFICATE_USED = "certificate_used"
    CERTIFICATE_VALIDITY = "certificate_validity"
    METHOD_NO_ADVANCE = "method_no_advance"
    REASON_REQUIRED = "reason_required"
    # planning and accounting
    ARTICLE_FROM_BILLING = "article_from_billing"
    ARTICLE_INACTIVE = "article_inactive"
    DOCUMENT_REQUIRED = "document_required"
    ENTRY_ALREADY_REVERSED = "entry_already_reversed"
    ENTRY_IS_REVERSAL = "entry_is_reversal"
    PLAN_EMPTY = "plan_empty"
    PLAN_EXISTS = "plan_exists"
    PLAN_LOCKED = "plan_locked"
    PLAN_STATE = "plan_state"
