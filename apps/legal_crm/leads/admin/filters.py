"""List filters of the lead list. Every choice comes from a small reference table or a fixed list, never
from SELECT DISTINCT over the leads."""

from __future__ import annotations

import abc
import datetime

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import DropdownFilter

from legal_crm.core.models import User
from legal_crm.marketing.models import AdSource
from legal_crm.org.selectors import office_ids_visible_to, office_list_visible_to

from .. import refcache


def _active_in_order(rows) -> list[tuple[int, str]]:
    return [(r.pk, r.name) for r in sorted((r for r in rows if r.is_active), key=lambda r: (r.order, r.pk))]


class _RefFilter(admin.SimpleListFilter, metaclass=abc.ABCMeta):
    field = ""

    @abc.abstractmethod
    def rows(self, request):
        """(pk, name) pairs of the reference table this filter offers."""

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in self.rows(request)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.field}_id": int(value)})
        return queryset


class StatusFilter(_RefFilter):
    title = _("статус")
    parameter_name = "status"
    field = "status"

    def rows(self, request):
        # From the reference cache the intake keeps anyway: no query per page.
        return _active_in_order(refcache.get().status_by_pk.values())


class TypeFilter(_RefFilter):
    title = _("тип")
    parameter_name = "type"
    field = "type"

    def rows(self, request):
        return _active_in_order(refcache.get().type_by_pk.values())


class SourceFilter(_RefFilter):
    title = _("источник")
    parameter_name = "source"
    field = "source"

    def rows(self, request):
        return AdSource.objects.order_by("name").values_list("pk", "name")


class OfficeFilter(_RefFilter):
    title = _("офис")
    parameter_name = "office"
    field = "office"

    def rows(self, request):
        return office_list_visible_to(request.user).order_by("name").values_list("pk", "name")


class OwnerFilter(DropdownFilter):
    """Mine, nobody's, or one of the lead takers of the offices the user sees: one query for the choices,
    whatever the number of leads; a dropdown, as an office may have dozens of operators."""

    title = _("ответственный")
    parameter_name = "owner"
    TAKERS_LIMIT = 500

    def lookups(self, request, model_admin):
        from ..services.distribution import lead_taker_ids

        ids = lead_taker_ids(office_ids_visible_to(request.user)) - {request.user.pk}
        takers = (User.objects.filter(pk__in=sorted(ids))
                  .only("id", "username", "first_name", "last_name", "middle_name")
                  .order_by("last_name", "first_name", "id")[:self.TAKERS_LIMIT])
        return [("me", _("Мои")), ("none", _("Не назначен")), *((str(u.pk), str(u)) for u in takers)]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user)
        if value == "none":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to_id=int(value))
        return queryset


class PeriodFilter(admin.SimpleListFilter):
    title = _("период")
    parameter_name = "period"

    def lookups(self, request, model_admin):
        return [("today", _("Сегодня")), ("7d", _("7 дней")), ("30d", _("30 дней")), ("month", _("Этот месяц"))]

    def queryset(self, request, queryset):
        now = timezone.localtime()
        start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        starts = {
            "today": start_of_day,
            "7d": start_of_day - datetime.timedelta(days=6),
            "30d": start_of_day - datetime.timedelta(days=29),
            "month": start_of_day.replace(day=1),
        }
        if self.value() in starts:
            return queryset.filter(created_at__gte=starts[self.value()])
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("состояние")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Запланированы")), ("overdue", _("Просрочены")), ("done", _("Выполнены")),
                ("mine", _("Мои запланированные"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "open":
            return queryset.filter(done_at__isnull=True)
        if value == "overdue":
            return queryset.filter(done_at__isnull=True, due_at__lt=now)
        if value == "done":
            return queryset.filter(done_at__isnull=False)
        if value == "mine":
            return queryset.filter(done_at__isnull=True, assignee=request.user)
        return queryset
