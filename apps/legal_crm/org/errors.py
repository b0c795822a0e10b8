"""The error codes of the org module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). API clients branch on them."""

from enum import StrEnum


class Code(StrEnum):
    ALREADY_DISMISSED = "already_dismissed"
    ALREADY_SIGNED = "already_signed"
    EMAIL_TAKEN = "email_taken"
    INVALID_DISMISSAL_DATE = "invalid_dismissal_date"
    INVALID_EMAIL = "invalid_email"
    INVALID_HEADCOUNT = "invalid_headcount"
    INVALID_STATUS = "invalid_status"
    INVALID_USERNAME = "invalid_username"
    MAIN_OFFICE_REQUIRED = "main_office_required"
    NAME_REQUIRED = "name_required"
    OFFBOARDING_OPEN = "offboarding_open"
    OFFBOARDING_TEMPLATE_EMPTY = "offboarding_template_empty"
    SELF_BLOCK = "self_block"
    UNKNOWN_PERMISSION_SETTING = "unknown_permission_setting"
    USERNAME_TAKEN = "username_taken"
