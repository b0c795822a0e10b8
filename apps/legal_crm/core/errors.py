"""The one error type users see, and the catalogues of its codes.

Services raise DomainError. Its `code` comes from a catalogue: the shared codes below (`CoreCode`: access,
generic form validation, dates, amounts) and one `Code` enum per module in `<module>/errors.py` with every other
code that module's services raise. The API documents every catalogue's codes in its error schema (core.api), and
a test (core/tests/test_error_catalogue.py) refuses a service raising a code its module does not list.
"""

from __future__ import annotations

import importlib
from enum import StrEnum


class CoreCode(StrEnum):
    """Codes any module may raise: the same refusal means the same code everywhere."""

    ACCESS_DENIED = "access_denied"  # the actor lacks the right or the row is outside their scope (API: 403)
    INVALID = "invalid"  # generic form validation: the fields at fault are in `fields` (a model's clean())
    NOT_FOUND = "not_found"  # the record does not exist or is not visible to the actor
    DATE_OUT_OF_RANGE = "date_out_of_range"  # an implausible date (core.dates)
    INVALID_CREDENTIALS = "invalid_credentials"  # a wrong login or password when asking for an API token
    RULE_INVALID = "rule_invalid"  # an administrator's rule whose kind or parameters do not fit (core.rules)
    # Amounts refused by the one money parser (core.money.parse_money):
    AMOUNT_INVALID = "amount_invalid"  # not an amount at all («сто рублей», 1e5, NaN, a "+")
    AMOUNT_FLOAT = "amount_float"  # a JSON float: not exact
    AMOUNT_NEGATIVE = "amount_negative"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"  # zero or less where more than zero is required
    AMOUNT_TOO_LARGE = "amount_too_large"
    AMOUNT_PRECISION = "amount_precision"  # more than two decimals


class DomainError(Exception):
    """A business rule refused the request.

    `code` is stable (the API returns it; it is a member or value of a catalogue); `message` is the Russian text
    a person reads; `fields` maps a field name to its own message when the problem is on a field; `extra` carries
    machine-readable details the API adds to its body (e.g. {"existing_id": 42}).
    """

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code = str(code)  # a catalogue member becomes its plain value
        self.message = str(message)
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return self.message


def module_catalogue(app_name: str) -> type[StrEnum] | None:
    """The `Code` enum of a module (`legal_crm.contracts` → contracts/errors.py), None if it has none."""
    try:
        module = importlib.import_module(f"{app_name}.errors")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_name}.errors":
            raise
        return None
    return getattr(module, "Code", None)


def catalogues() -> dict[str, type[StrEnum]]:
    """Every catalogue of the project's modules by app label, the shared one as "core"."""
    from django.apps import apps

    found: dict[str, type[StrEnum]] = {"core": CoreCode}
    for config in apps.get_app_configs():
        if config.name.startswith("legal_crm.") and config.label != "core":
            enum = module_catalogue(config.name)
            if enum is not None:
                found[config.label] = enum
    return found


def all_codes() -> list[str]:
    """Every domain error code of every catalogue, sorted, without repeats."""
    return sorted({code.value for enum in catalogues().values() for code in enum})
