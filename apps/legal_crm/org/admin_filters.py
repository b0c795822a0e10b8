"""List filters by office for every module's desk lists: they offer only the offices the user may see
(Django's related-field filter lists every office of the chain)."""

from __future__ import annotations

from django.contrib import admin
from unfold.contrib.filters.admin import RelatedDropdownFilter

from .selectors import office_list_visible_to


def _offices_of(request) -> list[tuple[int, str]]:
    return [(office.pk, str(office)) for office in office_list_visible_to(request.user).order_by("name")]


class OfficeFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return _offices_of(request)


class OfficeDropdownFilter(RelatedDropdownFilter):
    def field_choices(self, field, request, model_admin):
        return _offices_of(request)
