"""The error codes of the quality module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). API clients branch on them."""

from enum import StrEnum


class Code(StrEnum):
    COMPLAINT_CLOSED = "complaint_closed"
    DEADLINE_PAST = "deadline_past"
    EMPLOYEE_OUT_OF_SCOPE = "employee_out_of_scope"
    NOT_AN_EMPLOYEE = "not_an_employee"
    NOT_ASSIGNED = "not_assigned"
    RESOLUTION_REQUIRED = "resolution_required"
    RESPONSIBLE_CANNOT_WORK = "responsible_cannot_work"
    RESPONSIBLE_IS_SUBJECT = "responsible_is_subject"
    RESPONSIBLE_NO_ACCESS = "responsible_no_access"
    RESPONSIBLE_REQUIRED = "responsible_required"
    SOURCE_INVALID = "source_invalid"
    TEXT_REQUIRED = "text_required"
    # reviews
    CASE_CLOSED = "case_closed"
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    NOT_NEGATIVE = "not_negative"
    REVIEW_INVALID = "review_invalid"
    REVIEW_SUBJECT_REQUIRED = "review_subject_required"
    RULE_TEXT_INVALID = "rule_text_invalid"
    # violations
    DECIDER_IS_OFFENDER = "decider_is_offender"
    OFFENDER_IS_ACTOR = "offender_is_actor"
    PAUSE_INVALID = "pause_invalid"
    REASON_REQUIRED = "reason_required"
    RULE_IN_USE = "rule_in_use"
    VIOLATION_DAY_FUTURE = "violation_day_future"
    VIOLATION_DUPLICATE = "violation_duplicate"
    VIOLATION_NOT_APPEALABLE = "violation_not_appealable"
    VIOLATION_NOT_APPEALED = "violation_not_appealed"
