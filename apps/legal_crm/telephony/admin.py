"""Desk pages of telephony: the call log (read-only), PBX settings, company numbers, extensions; the call
window's endpoints and the statistics page are mounted beside the call log (desk.py)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RelatedDropdownFilter
from unfold.decorators import display

from legal_crm.core.admin_base import DeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.admin_filters import DeskDateRangeFilter
from legal_crm.core.validators import format_phone
from legal_crm.org.admin_filters import OfficeDropdownFilter

from . import desk, perms, selectors, services
from .forms import CompanyNumberForm, PbxForm
from .models import Call, CompanyNumber, Pbx, SipAccount


@admin.register(Call)
class CallAdmin(ReadOnlyDeskAdmin):
    selector = selectors.call_list_visible_to
    list_display = ("started_at", "direction", "client_phone_display", "employee", "office", "result_badge",
                    "wait_seconds", "duration", "outcome", "recording_link")
    list_filter = ("direction", "result", ("employee", RelatedDropdownFilter), ("office", OfficeDropdownFilter),
                   ("started_at", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("office", "employee__user")
    search_fields = ("client_phone",)
    search_help_text = _("Номер клиента в любом виде (+7 916 123-45-67, 8916…) или любые его цифры подряд, "
                         "от четырёх: хвост из списка пропущенных, цифры из середины")
    fields = ("started_at", "answered_at", "ended_at", "direction", "from_number", "to_number", "client_phone",
              "company_number", "employee", "extension", "office", "pbx", "state", "result", "wait_seconds",
              "duration", "outcome", "comment", "recording_link", "provider_id", "error_text", "lead_id",
              "counterparty_id", "contract_id", "planned_call_id", "created_by")
    readonly_fields = fields
    phone_fields = ("from_number", "to_number", "client_phone")  # +7 916 123-45-67, an extension as it is

    def get_search_results(self, request, queryset, search_term):
        # The whole number or any part of it, on an index (selectors.filter_calls_by_phone); text that is no phone
        # finds nothing rather than running search_fields' LIKE '%…%' over the whole log.
        if not (search_term or "").strip():
            return queryset, False
        return selectors.filter_calls_by_phone(queryset, search_term), False

    @display(description=_("Телефон клиента"), ordering="client_phone")
    def client_phone_display(self, obj):
        return format_phone(obj.client_phone) or "—"  # as staff read numbers: +7 916 123-45-67

    @display(description=_("Итог"), label={"answered": "success", "missed": "danger", "dropped": "warning",
                                           "busy": "warning", "failed": "danger", "": "info"})
    def result_badge(self, obj):
        return obj.result, obj.get_result_display() if obj.result else obj.get_state_display()

    @display(description=_("Запись"))
    def recording_link(self, obj):
        if not obj.recording:
            return "—"
        url = reverse("admin:telephony_call_recording", args=[obj.pk])
        return format_html('<audio controls preload="none" src="{}?inline=1"></audio>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(desk.call_start_view), name="telephony_call_start"),
            path("live/", view(desk.live_calls_view), name="telephony_call_live"),
            path("stats/", view(desk.stats_view), name="telephony_call_stats"),
            path("<int:pk>/state/", view(desk.call_state_view), name="telephony_call_state"),
            path("<int:pk>/hangup/", view(desk.call_hangup_view), name="telephony_call_hangup"),
            path("<int:pk>/result/", view(desk.call_result_view), name="telephony_call_result"),
            path("<int:pk>/recording/", view(desk.recording_view), name="telephony_call_recording"),
            *super().get_urls(),
        ]


@admin.register(Pbx)
class PbxAdmin(DeskAdmin):
    selector = selectors.pbx_list_visible_to
    form = PbxForm
    list_display = ("name", "kind", "office", "host", "port", "login", "secret_display", "is_active",
                    "last_event_at", "last_error")
    list_filter = ("kind", "is_active")
    readonly_fields = ("webhook_url", "last_event_at", "last_error")

    @display(description=_("Пароль / подпись"))
    def secret_display(self, obj):
        return obj.secret_masked

    @display(description=_("Адрес для уведомлений АТС (после адреса сайта)"))
    def webhook_url(self, obj):
        if obj is None or not obj.pk or obj.kind not in ("mango", "zadarma"):
            return "—"
        from .webhooks import webhook_path

        return webhook_path(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # calls refer to it: switch it off instead

    def save_model(self, request, obj, form, change):
        services.pbx_save(actor=request.user, pbx=obj, new_secret=form.cleaned_data.get("new_secret"))


@admin.register(CompanyNumber)
class CompanyNumberAdmin(DeskAdmin):
    selector = selectors.number_list_visible_to
    form = CompanyNumberForm
    list_display = ("number", "name", "office", "pbx", "ad_source_code", "calls_total", "answered_share",
                    "is_active")
    list_filter = ("is_active", ("office", OfficeDropdownFilter))
    search_fields = ("number", "name")
    phone_fields = ("number",)

    @display(description=_("Звонков"), ordering="calls_total")
    def calls_total(self, obj):
        return obj.calls_total

    @display(description=_("Отвечено"))
    def answered_share(self, obj):
        return f"{round(100 * obj.calls_answered / obj.calls_total)} %" if obj.calls_total else "—"

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(perms.CHANGE_NUMBER)


@admin.register(SipAccount)
class SipAccountAdmin(DeskAdmin):
    selector = selectors.sip_list_visible_to
    list_display = ("extension", "employee", "pbx", "sip_login", "is_active")
    list_filter = ("is_active", ("pbx", RelatedDropdownFilter))
    search_fields = ("extension", "employee__user__last_name")
    autocomplete_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "employee":
            from legal_crm.org.selectors import employee_list_visible_to

            kwargs["queryset"] = employee_list_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
