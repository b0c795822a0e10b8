"""List filters by office and by employee for every module's desk lists: they offer only the offices and the staff
the user may see (Django's related-field filter lists every office and every user of the chain)."""

from __future__ import annotations

from django.contrib import admin
from unfold.contrib.filters.admin import RelatedDropdownFilter

from .selectors import employee_list_visible_to, office_list_visible_to


def _offices_of(request) -> list[tuple[int, str]]:
    return [(office.pk, str(office)) for office in office_list_visible_to(request.user).order_by("name")]


class OfficeFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return _offices_of(request)


class OfficeDropdownFilter(RelatedDropdownFilter):
    def field_choices(self, field, request, model_admin):
        return _offices_of(request)


class EmployeeDropdownFilter(RelatedDropdownFilter):
    """A filter by a user field (responsible, author): the employees of the user's offices."""

    def field_choices(self, field, request, model_admin):
        staff = employee_list_visible_to(request.user).order_by("user__last_name", "user__first_name")
        return [(employee.user_id, str(employee.user)) for employee in staff]
