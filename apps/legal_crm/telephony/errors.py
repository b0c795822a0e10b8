"""The error codes of the telephony module: every code its services raise besides core.errors.CoreCode."""

from enum import StrEnum


class Code(StrEnum):
    NO_EXTENSION = "no_extension"
    BAD_NUMBER = "bad_number"
    PBX_UNAVAILABLE = "pbx_unavailable"
    PBX_REFUSED = "pbx_refused"
    SECRET_REQUIRED = "secret_required"
    HOST_REQUIRED = "host_required"
    CALL_NOT_ENDED = "call_not_ended"
    BAD_RESULT = "bad_result"
    HANGUP_UNSUPPORTED = "hangup_unsupported"
    EXTENSION_TAKEN = "extension_taken"
