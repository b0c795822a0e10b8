"""The desk for marketing: ad sources, partners (token, field mapping, their leads and conversion), and the
"Лиды по источникам" report."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from legal_crm.core.admin_base import HistoryDeskAdmin

from . import reports, selectors, services
from .forms import PartnerForm
from .models import AdSource, Partner


@admin.register(AdSource)
class AdSourceAdmin(HistoryDeskAdmin):
    list_display = ("name", "code", "channel", "default_lead_type", "expects_mobile", "is_active")
    list_filter = ("channel", "is_active")
    list_select_related = ("default_lead_type",)
    search_fields = ("name", "code")
    fields = ("name", "code", "channel", "default_lead_type", "expects_mobile", "operator_info", "is_active")

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="marketing_leads_by_source"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not request.user.has_perm("marketing.view_lead_report"):
            raise PermissionDenied
        date_from, date_to, errors = reports.parse_period(request.GET)
        choices = selectors.report_filter_choices(request.user)
        chosen = reports.chosen_filters(request.GET, choices)
        rows, totals = reports.report_rows(request.user, date_from, date_to, **chosen)
        if request.GET.get("export") == "xlsx":
            response = HttpResponse(
                reports.report_xlsx(rows, totals, date_from, date_to),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            response["Content-Disposition"] = (f'attachment; filename="leads-by-source-{date_from:%Y%m%d}-'
                                               f'{date_to:%Y%m%d}.xlsx"')
            return response
        query = request.GET.copy()
        query["export"] = "xlsx"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Лиды по источникам"),
            "rows": rows, "totals": totals, "errors": errors,
            "date_from": date_from, "date_to": date_to, "choices": choices, "chosen": chosen,
            "filters": [(name, label, choices[name], chosen[name]) for name, label in (
                ("office", _("Офис")), ("employee", _("Сотрудник")), ("service", _("Услуга")),
                ("source", _("Источник")))],
            "export_query": query.urlencode(),
            "chart_height": 28 * len(rows) + 10,
        }
        return TemplateResponse(request, "marketing/leads_by_source.html", context)


@admin.register(Partner)
class PartnerAdmin(HistoryDeskAdmin):
    form = PartnerForm
    list_display = ("name", "default_source", "api_user", "is_active")
    list_select_related = ("default_source", "api_user")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("api_access", "stats", "recent_leads")
    fieldsets = (
        (None, {"fields": ("name", "default_source", "default_lead_type", "is_active")}),
        (_("Доступ к API"), {"fields": ("api_access", "field_mapping")}),
        (_("Контакты"), {"fields": ("contact_name", "contact_phone", "note")}),
        (_("Лиды партнёра"), {"fields": ("stats", "recent_leads")}),
    )

    def get_urls(self):
        return [
            path("<int:pk>/token/", self.admin_site.admin_view(require_POST(self.token_view)),
                 name="marketing_partner_token"),
            *super().get_urls(),
        ]

    def token_view(self, request, pk):
        partner = get_object_or_404(Partner, pk=pk)
        key = self.run_service(request, services.partner_token_regenerate, actor=request.user, partner=partner)
        if key:
            self.message_user(request, _("Выпущен новый токен API. Прежний больше не действует."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:marketing_partner_change", args=[pk]))

    @admin.display(description=_("токен API"))
    def api_access(self, obj):
        if not obj or not obj.pk:
            return _("Сохраните партнёра, затем выпустите токен.")
        key = services.partner_token(obj)
        viewer = getattr(obj, "_viewer", None)
        can_manage = viewer is not None and viewer.has_perm("marketing.manage_partner_token")
        return format_html(
            '{}<div style="margin-top:6px">{}</div>',
            render_to_string("marketing/partner_token.html", {
                "key": key if can_manage else (key[:6] + "…" if key else None),
                "url": reverse("admin:marketing_partner_token", args=[obj.pk]), "can_manage": can_manage,
                "user": obj.api_user}),
            _("Лиды шлются POST /api/v1/leads/ с заголовком Authorization: Token <ключ>."),
        )

    @admin.display(description=_("статистика за 30 дней"))
    def stats(self, obj):
        if not obj or not obj.pk or getattr(obj, "_viewer", None) is None:
            return "—"
        s = selectors.partner_stats(obj._viewer, obj)
        return format_html(
            "{}: <b>{}</b> · {}: {} · {}: {} · {}: {} · {}: <b>{} %</b>",
            _("лидов"), s["total"], _("спам"), s["spam"], _("отказ"), s["refused"], _("клиенты"), s["converted"],
            _("конверсия"), number_format(s["conversion"], 1))

    @admin.display(description=_("последние лиды"))
    def recent_leads(self, obj):
        if not obj or not obj.pk or getattr(obj, "_viewer", None) is None:
            return "—"
        leads = list(selectors.partner_recent_leads(obj._viewer, obj))
        return render_to_string("marketing/partner_leads.html", {"leads": leads})

    def get_object(self, request, object_id, from_field=None):
        # The read-only fields above depend on who looks (token in full, office scope of the figures). The admin
        # object is shared by all requests and threads, so the viewer travels on this request's own instance.
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._viewer = request.user
        return obj
