"""The kinds of notifications: hooks.NOTIFICATION_KINDS, code → {"label", "methods"} (the default methods), filled
by the modules that own the events. A code nobody registered is refused by notify()."""

from __future__ import annotations

from ..models import Method

METHODS = (Method.IN_APP, Method.TELEGRAM, Method.EMAIL)


def all_kinds() -> dict[str, dict]:
    from legal_crm import hooks

    return hooks.NOTIFICATION_KINDS


def kind_label(code: str) -> str:
    spec = all_kinds().get(code)
    return str(spec["label"]) if spec else code


def default_methods(code: str) -> frozenset[str]:
    spec = all_kinds().get(code) or {}
    return frozenset(str(m) for m in spec.get("methods", (Method.IN_APP,)))
