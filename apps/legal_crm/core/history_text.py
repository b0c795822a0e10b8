"""Values of history and audit entries as people read them: choice labels instead of codes («Подписан», not
`signed`), Да/Нет instead of True/False, the names of related records instead of their ids («офис: Москва», not
«офис: 1»), money as 3 000,00 ₽, phones as +7 916 111-22-33 and dates as 27.11.2026.

One renderer for every history screen: the contract card's history tab, the simple-history pages of every desk
record and the audit log."""

from __future__ import annotations

import datetime
import json
import posixpath
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from simple_history.models import DeletedObject

from .fields import MoneyField, PhoneField
from .formatting import format_date, format_money
from .validators import format_phone

EMPTY = (None, "", [], {}, ())


def yes_no(value: bool) -> str:
    return _("Да") if value else _("Нет")


def _field(model, name: str):
    """The field `name` of `model` (or of the first of several models that has it)."""
    if model is None:
        return None
    if isinstance(model, list | tuple):
        return next((f for f in (_field(m, name) for m in model) if f is not None), None)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        if name.endswith("_id"):
            return _field(model, name[:-3])
        return None
    # A reverse relation (a campaign's «recipients», a payroll run's «lines») is no value of the record: an entry's
    # key of that name is a count or something else, told by hooks.AUDIT_KEYS.
    return None if field.auto_created and not field.concrete else field


def _related_name(field, value) -> str:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, DeletedObject):  # simple-history's diff: a record gone since, or no record at all (None)
        return "—" if value.pk in EMPTY else _("№ %(pk)s (удалена)") % {"pk": value.pk}
    if value in EMPTY:
        return "—"
    return _record_name(field.related_model, value)


def _record_name(related, value) -> str:
    """The name of the `related` record whose id is `value`; a value that is no id is the record's name already."""
    try:
        pk = related._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return plain_text(value)  # not an id: the entry already names the record (an invoice's number, a name)
    return _name_of(related, pk, value)


def names_by_id(model, keys, field: str = "name") -> dict:
    """An entry's keys that are ids of `model` (a plan's articles, a questionnaire's questions) → their names, in
    one query; a missing record reads «№ id», a key that is no id stays as it is."""
    ids = [k for k in keys if str(k).isdigit()]
    found = dict(model.objects.filter(pk__in=ids).values_list("pk", field)) if ids else {}
    return {k: found.get(int(k), f"№ {k}") if str(k).isdigit() else k for k in keys}


_names: ContextVar[dict | None] = ContextVar("history_text_names", default=None)
_wanted: ContextVar[dict | None] = ContextVar("history_text_wanted", default=None)


@contextmanager
def names_remembered():
    """Within the block a record's name (or a value a function of hooks.AUDIT_KEYS puts in words) is read once however
    many entries name it (a page of the audit log names the same office, employee or action type again and again)."""
    token = _names.set({})
    try:
        yield
    finally:
        _names.reset(token)


def texts_of_page(items, render) -> list:
    """render(item) for each item, the records the texts name read in one query per kind of record: a first pass
    notes which records they name (writing nothing), those are read together, the second pass writes the texts.
    A page of 50 entries about 50 different records costs a query per model, not one per record."""
    items = list(items)
    with names_remembered():
        wanted: dict = {}
        token = _wanted.set(wanted)
        try:
            for item in items:
                render(item)
        finally:
            _wanted.reset(token)
        memo = _names.get()
        for related, pks in wanted.items():
            for obj in related._default_manager.filter(pk__in=pks):
                memo[(related._meta.label, obj.pk)] = str(obj)
        # A record gone since is left to the second pass, which names it «№ id» as one entry alone would.
        return [render(item) for item in items]


def _remembered(key, compute) -> str:
    """compute(), once per key inside names_remembered(); not in texts_of_page's first pass, which only notes the
    records to read (the second pass computes it, once)."""
    memo = _names.get()
    if memo is None:
        return compute()
    if _wanted.get() is not None:
        return memo.get(key, "")
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _name_of(related, pk, value) -> str:
    wanted = _wanted.get()
    if wanted is not None:  # texts_of_page's first pass: note the record, read it with the others of its model
        wanted.setdefault(related, set()).add(pk)
        return ""

    def read() -> str:
        obj = related._default_manager.filter(pk=pk).first()
        return str(obj) if obj is not None else f"№ {value}"

    return _remembered((related._meta.label, pk), read)


def _is_money(field) -> bool:
    # Roubles are MoneyFields; a plain decimal is a percent, a score or a count (a «10,00 ₽» percent read wrong).
    return isinstance(field, MoneyField)


def normalised(field, value):
    """The value compared for "did it change": '' and None are both empty, 100 and 100.00 the same amount."""
    if value in EMPTY:
        return None
    if isinstance(field, models.DecimalField) or isinstance(value, Decimal):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return value
    if isinstance(value, models.Model):
        return value.pk
    return value


def value_text(model, name: str, value) -> str:
    """One value of the field `name` of `model` in words. Unknown fields fall back to the value's own kind."""
    if value in EMPTY:
        return "—"
    field = _field(model, name)
    if field is not None:
        if getattr(field, "flatchoices", None):
            labels = {str(k): v for k, v in field.flatchoices}
            if not isinstance(value, list | tuple):
                return str(labels.get(str(value), value))
            return ", ".join(str(labels.get(str(v), v)) for v in value)
        if field.many_to_many and isinstance(value, list | tuple):
            return ", ".join(_related_name(field, v) for v in value) or "—"
        if field.is_relation and field.related_model is not None:
            return _related_name(field, value)
        if isinstance(field, PhoneField) and isinstance(value, str):
            return format_phone(value)  # +7 916 111-22-33, as lists and read-only pages show it
        if _is_money(field):
            try:
                return format_money(value)
            except (InvalidOperation, ValueError, TypeError):
                return str(value)
        if isinstance(field, models.FileField) and isinstance(value, str):
            return posixpath.basename(value)  # a stored file by its name, not its storage path
        if isinstance(field, models.BooleanField) and value in ("True", "False"):
            return yes_no(value == "True")  # a snapshot of the form's values, written as text
        if isinstance(field, models.JSONField) and isinstance(value, str):
            try:
                return plain_text(json.loads(value))
            except ValueError:
                return value
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        elif isinstance(field, models.DateField) and isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return value
    return plain_text(value)


def plain_text(value) -> str:
    """A value with no field to say what it is."""
    if value in EMPTY:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if timezone.is_aware(value) else \
            value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, list | tuple):
        return ", ".join(plain_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain_text(v)}" for k, v in value.items() if v not in EMPTY)
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def field_label(model, name: str, words: dict | None = None) -> str:
    if words and name in words:
        return str(words[name])
    field = _field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    known = _audit_keys().get(name)
    return str(known[0]) if known else name


def _audit_keys() -> dict:
    from legal_crm import hooks

    return hooks.AUDIT_KEYS


def key_text(name: str, value) -> str:
    """A value of an audit key that is no field of the record, as hooks.AUDIT_KEYS says it reads."""
    kind = _audit_keys().get(name, (None, None))[1]
    if value in EMPTY or kind is None:
        return plain_text(value)
    if isinstance(kind, dict):
        return str(kind.get(value, value)) if isinstance(value, str | int) else plain_text(value)
    if kind == "money":
        try:
            return format_money(value)
        except (InvalidOperation, ValueError, TypeError):
            return plain_text(value)
    if kind == "date":
        try:
            return format_date(datetime.date.fromisoformat(str(value)[:10]))
        except ValueError:
            return plain_text(value)
    if kind.startswith("model:"):
        related = apps.get_model(kind[len("model:"):])
        if isinstance(value, str) and "/" in value:
            return posixpath.basename(value)  # a stored file's path: its name
        return _record_name(related, value)
    if kind.startswith("field:"):
        label, field_name = kind[len("field:"):].rsplit(".", 1)
        return value_text(apps.get_model(label), field_name, value)
    return _remembered((kind, json.dumps(value, sort_keys=True, default=str)),
                       lambda: str(import_string(kind)(value)))


def _code_field(field, name: str) -> bool:
    """A plain text field keeping a code whose words hooks.AUDIT_KEYS knows (a function kind), not a field with
    choices or a relation, which say their words themselves."""
    kind = _audit_keys()[name][1]
    return (isinstance(kind, str) and not kind.startswith(("model:", "field:")) and kind not in ("money", "date")
            and not field.is_relation and not getattr(field, "flatchoices", None))


def audit_text(action: str, model, before, after) -> str:
    """An audit entry in words: its record's fields, the fields of the records hooks.AUDIT_MODELS names for its
    action, and the keys of hooks.AUDIT_KEYS."""
    from legal_crm import hooks

    models_ = [model] if model is not None else []
    for prefix, labels in hooks.AUDIT_MODELS.items():
        if action.startswith(prefix):
            models_ += [apps.get_model(label) for label in labels]
    return change_text(models_ or None, before, after)


def change_text(model, before, after, *, words: dict | None = None, values: dict | None = None) -> str:
    """An audit entry's before/after in one line: «статус: Черновик → Подписан; офис: Москва».

    `words` names keys that are not fields of `model`; `values` maps a key to a function that turns its value into
    words (e.g. an action type's code into its name). Keys whose value did not change are left out."""
    values = values or {}

    def one(name, value):
        if name in values and value not in EMPTY:
            return values[name](value)
        field = _field(model, name)
        if name in _audit_keys() and (field is None or _code_field(field, name)):
            return key_text(name, value)
        return value_text(model, name, value)

    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        parts = []
        for name in [*before, *(k for k in after if k not in before)]:
            old, new = before.get(name), after.get(name)
            field = _field(model, name)
            if name in before and name in after and normalised(field, old) == normalised(field, new):
                if name in ("creditor", "stage", "document", "title", "property"):
                    parts.append(f"{field_label(model, name, words)}: {one(name, new)}")  # what the entry is about
                continue
            if name not in before:
                if new in EMPTY:
                    continue
                parts.append(f"{field_label(model, name, words)}: {one(name, new)}")
            elif name not in after:
                parts.append(f"{field_label(model, name, words)}: {one(name, old)}")
            else:
                parts.append(f"{field_label(model, name, words)}: {one(name, old)} → {one(name, new)}")
        return "; ".join(parts)
    if isinstance(before, list) or isinstance(after, list):
        names = after if isinstance(after, list) else before
        return ", ".join(field_label(model, str(n), words) for n in names)
    if before in EMPTY and after in EMPTY:
        return ""
    if before in EMPTY:
        return _status_text(model, after)
    return f"{_status_text(model, before)} → {_status_text(model, after)}"


def _status_text(model, value) -> str:
    """A bare before/after is a status (contract.terminate, employee.status): its label if the model has one."""
    if isinstance(value, str) and _field(model, "status") is not None:
        return value_text(model, "status", value)
    if isinstance(value, str):
        try:
            return plain_text(json.loads(value))
        except ValueError:
            return value
    return plain_text(value)
