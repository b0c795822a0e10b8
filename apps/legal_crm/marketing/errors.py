"""The error codes of the marketing module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). Today they raise only shared ones."""

from enum import StrEnum


class Code(StrEnum):
    pass
