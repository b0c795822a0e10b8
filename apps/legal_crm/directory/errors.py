"""The error codes of the directory module: every code its services raise besides core.errors.CoreCode
(access_denied, invalid, not_found, date_out_of_range, amount_*). API clients branch on them."""

from enum import StrEnum


class Code(StrEnum):
    COUNTERPARTY_IN_USE = "counterparty_in_use"
    DUPLICATE_COUNTERPARTY = "duplicate_counterparty"
