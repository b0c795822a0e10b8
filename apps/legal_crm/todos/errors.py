"""The error codes of the todos module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). API clients branch on them."""

from enum import StrEnum


class Code(StrEnum):
    ASSIGNEE_NOT_IN_OFFICE = "assignee_not_in_office"
    CONFIRM_OWN = "confirm_own"
    DEADLINE_BEFORE_DUE = "deadline_before_due"
    DEADLINE_PASSED = "deadline_passed"
    POSTPONE_PAST_DEADLINE = "postpone_past_deadline"
    POSTPONE_NOT_LATER = "postpone_not_later"
    REASON_REQUIRED = "reason_required"
    TASK_CLOSED = "task_closed"
    TASK_NOT_DONE = "task_not_done"
    TEXT_REQUIRED = "text_required"
    TITLE_REQUIRED = "title_required"
