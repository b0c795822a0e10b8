"""The one error type users see. Services raise it; the API and the desk render it."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request.

    `code` is stable (the API returns it); `message` is the Russian text a person reads;
    `fields` maps a field name to its own message when the problem is on a field;
    `extra` carries machine-readable details the API adds to its body (e.g. {"existing_id": 42}).
    """

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return self.message
