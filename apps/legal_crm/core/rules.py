"""Saving an administrator's rule (quality's violation checklist, todos' automatic tasks): the same skeleton for
every kind of rule — refuse unknown fields, set the fields, check the kind's parameters against its schema, audit
the before and after. The caller checks the right first and owns what is particular to its rules (the schema
check itself, a refusal of its own)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _

from .audit import audit
from .errors import CoreCode, DomainError
from .validation import validated


def rule_save(*, actor, rule: models.Model, fields: dict, allowed: tuple[str, ...],
              errors_of: Callable[[models.Model], dict[str, str]], action: str) -> models.Model:
    """Sets `fields` (only names in `allowed`) on `rule`, checks it with `errors_of` (field → message) and the
    model's own validation, saves it and audits `action` with the allowed fields before and after. Call inside the
    caller's transaction."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError("invalid", _("Неизвестные поля: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = None if rule.pk is None else {name: _snapshot(getattr(rule, name)) for name in allowed}
    for name, value in fields.items():
        setattr(rule, name, value)
    if rule.params in (None, ""):
        rule.params = {}
    errors = errors_of(rule)
    if errors:
        raise DomainError(CoreCode.RULE_INVALID, _("Правило не сохранено: проверьте выделенные поля."), fields=errors)
    validated(rule)
    rule.save()
    audit(actor=actor, action=action, obj=rule, before=before,
          after={name: _snapshot(getattr(rule, name)) for name in allowed})
    return rule


def _snapshot(value):
    """A rule's value as the audit entry keeps it: JSON's own types as they are (the log shows Да/Нет, a parameter's
    name and value), a related record by its name, anything else as text."""
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    return str(value)
