"""Desk pages of the leads module's reference data: statuses and their transitions, lead types, refusal reasons,
spam rules, distribution rules and the chain's intake settings."""

from __future__ import annotations

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from legal_crm.core.admin_base import DeskAdmin, HistoryDeskAdmin
from legal_crm.org.selectors import office_ids_visible_to

from .. import selectors, services
from ..forms import LeadStatusForm
from ..models import (
    DistributionRule,
    LeadSettings,
    LeadStatus,
    LeadType,
    RefusalReason,
    SpamRule,
    StatusTransition,
)
from .common import ServiceSaveMixin, colored_badge


class TransitionFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        # Django names the fields by their code ("to_status"); staff read the column titles.
        names = [str(capfirst(StatusTransition._meta.get_field(f).verbose_name)) for f in unique_check
                 if f != self.fk.name]
        if not names:
            return super().get_unique_error_message(unique_check)
        return _("Исправьте повторяющееся значение поля «%(fields)s»: каждый переход указывается один раз.") % {
            "fields": ", ".join(names)}

    def get_form_error(self):
        return _("Исправьте повторяющиеся строки ниже.")


class TransitionInline(TabularInline):
    model = StatusTransition
    formset = TransitionFormSet
    fk_name = "from_status"
    extra = 0
    verbose_name_plural = _("куда можно перейти из этого статуса")


@admin.register(LeadStatus)
class LeadStatusAdmin(HistoryDeskAdmin):
    form = LeadStatusForm
    # What a status means for the workflow reads as words in one column (eight columns of ticks and crosses ran
    # 260–290 px past a 1366 px screen); the filters still pick statuses by each of them.
    list_display = ("name", "code", "order", "badge", "traits", "is_active")
    list_editable = ("order",)
    list_filter = ("is_open", "is_refusal", "is_final", "is_active")
    inlines = (TransitionInline,)
    search_fields = ("name", "code")

    @display(description=_("вид"))
    def badge(self, obj):
        return colored_badge(obj.name, obj.color)

    @display(description=_("свойства"))
    def traits(self, obj):
        flags = ("is_initial", "is_open", "is_refusal", "needs_reason", "is_final", "is_spam", "is_converted")
        words = [str(LeadStatus._meta.get_field(flag).verbose_name) for flag in flags if getattr(obj, flag)]
        if obj.reengage_after_days:
            words.append(_("в работу снова через %(days)s дн.") % {"days": obj.reengage_after_days})
        return " · ".join(words) or "—"


@admin.register(LeadType)
class LeadTypeAdmin(DeskAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")


@admin.register(RefusalReason)
class RefusalReasonAdmin(DeskAdmin):
    list_display = ("name", "code", "order", "is_active")
    filter_horizontal = ("statuses",)


@admin.register(SpamRule)
class SpamRuleAdmin(HistoryDeskAdmin):
    list_display = ("name", "kind", "value", "threshold", "window_minutes", "partner", "order", "is_active")
    list_filter = ("kind", "is_active")
    list_editable = ("is_active",)
    search_fields = ("name", "value")
    phone_fields = ("value",)  # a blacklisted number reads +7 916 111-22-33; a name or a stop word as it is


@admin.register(DistributionRule)
class DistributionRuleAdmin(ServiceSaveMixin, HistoryDeskAdmin):
    selector = staticmethod(selectors.distribution_rule_list_visible_to)
    list_display = ("name", "priority", "phone_prefix", "region", "time_zone", "lead_type", "source", "office",
                    "only_working_hours", "is_active")
    list_select_related = ("lead_type", "source", "office")
    list_editable = ("priority", "is_active")
    list_filter = ("office", "is_active")

    def save_model(self, request, obj, form, change):
        services.distribution_rule_save(actor=request.user, rule=obj)

    def delete_model(self, request, obj):
        services.distribution_rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services.distribution_rule_delete(actor=request.user, rule=rule)


@admin.register(LeadSettings)
class LeadSettingsAdmin(HistoryDeskAdmin):
    list_display = ("__str__", "dedup_window_hours", "max_open_leads_per_operator", "default_office")

    def has_add_permission(self, request):
        return (not LeadSettings.objects.exists() and super().has_add_permission(request)
                and office_ids_visible_to(request.user) is None)

    def has_change_permission(self, request, obj=None):
        # The chain's intake settings (the default office among them): only for those who see every office.
        return super().has_change_permission(request, obj) and office_ids_visible_to(request.user) is None

    def has_delete_permission(self, request, obj=None):
        return False
