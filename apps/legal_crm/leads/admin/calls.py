"""The desk list of planned calls: the operators' call plan with overdue marks and quick results."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.paginators import CappedPaginator

from .. import selectors, services
from ..models import PlannedCall
from .common import ServiceSaveMixin, colored_badge
from .filters import OverdueFilter


@admin.register(PlannedCall)
class PlannedCallAdmin(ServiceSaveMixin, HistoryDeskAdmin):
    selector = staticmethod(selectors.planned_calls_visible_to)
    paginator = CappedPaginator
    list_display = ("due", "lead", "assignee", "state", "result")
    list_select_related = ("lead", "assignee")
    list_filter = (OverdueFilter,)
    raw_id_fields = ("lead",)
    fields = ("lead", "due_at", "assignee", "comment", "done_at", "result")
    actions = ("mark_reached", "mark_no_answer")
    ordering = ("due_at",)

    def get_urls(self):
        from django.urls import path

        from .overdue_calls import overdue_calls_view

        return [path("overdue/", self.admin_site.admin_view(overdue_calls_view), name="leads_plannedcall_overdue"),
                *super().get_urls()]

    def get_readonly_fields(self, request, obj=None):
        return ("lead", "done_at", "result", "assignee") if obj else ("done_at", "result")

    def get_list_display(self, request):
        from legal_crm.telephony import perms as telephony_perms

        shown = super().get_list_display(request)
        return [*shown, "call_button"] if request.user.has_perm(telephony_perms.MAKE_CALL) else shown

    @display(description=_("звонок"))
    def call_button(self, obj):
        # Not a form: the list sits inside the changelist's own form. The call window's script posts it.
        from legal_crm.telephony.buttons import call_button_html

        return "" if obj.done_at else call_button_html("planned_call", obj.pk)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = selectors.assignee_choices(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @display(description=_("когда"), ordering="due_at")
    def due(self, obj):
        from django.utils import timezone

        return timezone.localtime(obj.due_at).strftime("%d.%m.%Y %H:%M")

    @display(description=_("состояние"))
    def state(self, obj):
        if obj.done_at:
            return colored_badge(_("Выполнен"), "#16a34a")
        if obj.is_overdue:
            return colored_badge(_("Просрочен"), "#dc2626")
        return colored_badge(_("Запланирован"), "#2563eb")

    def save_model(self, request, obj, form, change):
        if change:
            services.planned_call_update(actor=request.user, call=obj, due_at=obj.due_at, comment=obj.comment)
            return
        call = services.planned_call_create(actor=request.user, lead=obj.lead, due_at=obj.due_at,
                                            assignee=obj.assignee, comment=obj.comment)
        obj.pk = call.pk

    def _complete(self, request, queryset, result):
        for call in queryset.filter(done_at__isnull=True)[:200]:
            self.run_service(request, services.planned_call_complete, actor=request.user, call=call, result=result)

    @action(description=_("Отметить: дозвонились"))
    def mark_reached(self, request, queryset):
        self._complete(request, queryset, PlannedCall.Result.REACHED)

    @action(description=_("Отметить: не ответил"))
    def mark_no_answer(self, request, queryset):
        self._complete(request, queryset, PlannedCall.Result.NO_ANSWER)
