"""Phones on desk pages that show them as text, read the way staff read them (+7 916 111-22-33, through
core.validators.format_phone) rather than as stored (+79161112233): a record's page opened read-only (the view right
without the change right: an office head on an office, an employee or a partner) and its history. Lists already do
it (core.admin_base.MoneyColumns); an editable page keeps the number in its box as stored. Used by org's and
marketing's pages (org.admin_filters is shared the same way)."""

from __future__ import annotations

from legal_crm.core.admin_base import SHOWN_SUFFIX, ReadableHistoryHelper
from legal_crm.core.fields import PhoneField
from legal_crm.core.validators import format_phone


class _PhonesReadHistoryHelper(ReadableHistoryHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, str) and isinstance(self.model._meta.get_field(change.field), PhoneField):
            return format_phone(value)
        return value


class PhonesAsRead:
    """Mixed in before a HistoryDeskAdmin: on a read-only page each phone field is shown through MoneyColumns'
    «<field>__shown» display, and the history's «Изменения» column formats phones too."""

    def _phones_read_only(self, request, obj) -> set[str]:
        if obj is None or obj.pk is None or self.has_change_permission(request, obj):
            return set()
        return {f.name for f in self.model._meta.concrete_fields if self._is_phone(f)}

    def get_fieldsets(self, request, obj=None):
        return self.phones_as_read(request, obj, super().get_fieldsets(request, obj))

    def phones_as_read(self, request, obj, sets):
        """`sets` with the phones renamed to their displays on a read-only page (for an admin whose get_fieldsets
        builds its own)."""
        phones = self._phones_read_only(request, obj)
        if not phones:
            return sets
        return [(title, {**options, "fields": [
            self._money_names(tuple(f), phones) if isinstance(f, list | tuple) else self._money_names((f,), phones)[0]
            for f in options.get("fields", ())]}) for title, options in sets]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, *(f"{name}{SHOWN_SUFFIX}" for name in sorted(self._phones_read_only(request, obj)))]

    def get_historical_record_context_helper(self, request, historical_record):
        return _PhonesReadHistoryHelper(self.model, historical_record)
