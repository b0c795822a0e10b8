"""The error codes of the campaigns module: every code its services raise besides core.errors.CoreCode."""

from enum import StrEnum


class Code(StrEnum):
    NAME_REQUIRED = "name_required"
    TEXT_REQUIRED = "text_required"
    BAD_KIND = "bad_kind"
    BAD_HOURS = "bad_hours"
    BAD_WEEKDAYS = "bad_weekdays"
    BAD_LIMIT = "bad_limit"
    BAD_PERIOD = "bad_period"
    NO_AUDIENCE = "no_audience"
    WRONG_STATUS = "wrong_status"
    START_IN_PAST = "start_in_past"
    EMPTY_AUDIENCE = "empty_audience"
