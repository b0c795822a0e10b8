"""The error codes of the messaging module: every code its services raise besides core.errors.CoreCode."""

from enum import StrEnum


class Code(StrEnum):
    BAD_RECIPIENT = "bad_recipient"
    BAD_CHANNEL = "bad_channel"
    EMPTY_TEXT = "empty_text"
    SECRET_REQUIRED = "secret_required"
    LOGIN_REQUIRED = "login_required"
    NOT_FAILED = "not_failed"
    UNKNOWN_TAG = "unknown_tag"
    BAD_TAG_CODE = "bad_tag_code"
    TAG_CODE_TAKEN = "tag_code_taken"
    TAG_IN_USE = "tag_in_use"
    DUPLICATE_REGION = "duplicate_region"
    TEMPLATE_IN_USE = "template_in_use"
    UNKNOWN_KIND = "unknown_kind"
    QUIET_HOURS_INCOMPLETE = "quiet_hours_incomplete"
    BAD_DIGEST_AGE = "bad_digest_age"
    BAD_TIME = "bad_time"
