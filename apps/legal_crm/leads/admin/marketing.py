"""What leads add to marketing's desk pages (hooks.DESK_EXTENSIONS; marketing sits below leads and never imports
them): the lead type of a source's or partner's leads, a partner's figures and latest leads, and the
"Лиды по источникам" report under the ad sources (/admin/marketing/adsource/report/)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import StackedInline

from legal_crm.core.admin_base import DeskExtension
from legal_crm.marketing import perms as marketing_perms

from .. import source_report
from ..models import PartnerLeadType, SourceLeadType


class _LeadTypeInline(StackedInline):
    """One select: the lead type, or none (the row is deleted). Whoever may edit the source or partner may choose
    it — the choice is part of that page, whatever the user's rights on leads' own tables."""

    fields = ("lead_type",)
    extra = 1
    max_num = 1
    min_num = 0
    can_delete = True
    autocomplete_fields = ()

    def _parent_perm(self, request, action: str) -> bool:
        parent = self.parent_model._meta
        return request.user.has_perm(f"{parent.app_label}.{action}_{parent.model_name}")

    def has_view_permission(self, request, obj=None):
        return self._parent_perm(request, "view") or self._parent_perm(request, "change")

    def has_add_permission(self, request, obj=None):
        return self._parent_perm(request, "change") or (obj is None and self._parent_perm(request, "add"))

    def has_change_permission(self, request, obj=None):
        return self._parent_perm(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._parent_perm(request, "change")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_type":
            from ..models import LeadType

            kwargs["queryset"] = LeadType.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SourceLeadTypeInline(_LeadTypeInline):
    model = SourceLeadType
    verbose_name = verbose_name_plural = _("тип лида по умолчанию")


class PartnerLeadTypeInline(_LeadTypeInline):
    model = PartnerLeadType
    verbose_name = verbose_name_plural = _("тип лида по умолчанию")


@admin.display(description=_("тип лида по умолчанию"))
def source_lead_type(source) -> str:
    try:
        return str(source.lead_type_default.lead_type)
    except SourceLeadType.DoesNotExist:
        return "—"


def report_view(request):
    if not request.user.has_perm(marketing_perms.VIEW_LEAD_REPORT):
        raise PermissionDenied
    date_from, date_to, errors = source_report.parse_period(request.GET)
    choices = source_report.report_filter_choices(request.user)
    chosen = source_report.chosen_filters(request.GET, choices)
    # A refused period (reversed, too long, a date far off) is shown with its errors and no figures, and the export
    # gives no file: never the figures of another period than the one asked for.
    rows, totals = source_report.report_rows(request.user, date_from, date_to, **chosen) if not errors else ([], {})
    if request.GET.get("export") == "xlsx" and not errors:
        response = HttpResponse(
            source_report.report_xlsx(rows, totals, date_from, date_to),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (f'attachment; filename="leads-by-source-{date_from:%Y%m%d}-'
                                           f'{date_to:%Y%m%d}.xlsx"')
        return response
    query = request.GET.copy()
    query["export"] = "xlsx"
    context = {
        **admin.site.each_context(request),
        "title": _("Лиды по источникам"),
        "rows": rows, "totals": totals, "errors": errors,
        "date_from": date_from, "date_to": date_to, "choices": choices, "chosen": chosen,
        "typed": source_report.period_typed(request.GET, date_from, date_to, errors),
        "filters": [(name, label, choices[name], chosen[name]) for name, label in (
            ("office", _("Офис")), ("employee", _("Сотрудник")), ("service", _("Услуга")),
            ("source", _("Источник")))],
        "export_query": query.urlencode(),
        "chart_height": 28 * len(rows) + 10,
    }
    return TemplateResponse(request, "leads/leads_by_source.html", context)


class AdSourceExtension(DeskExtension):
    inlines = (SourceLeadTypeInline,)
    list_columns = (source_lead_type,)
    list_select_related = ("lead_type_default__lead_type",)

    def urls(self, model_admin):
        return [path("report/", model_admin.admin_site.admin_view(report_view), name="marketing_leads_by_source")]


class PartnerExtension(DeskExtension):
    inlines = (PartnerLeadTypeInline,)

    def blocks(self, request, obj):
        if obj is None or not obj.pk:
            return []
        user = request.user  # the figures and leads follow this request's viewer (office scope)

        def stats(partner):
            s = source_report.partner_stats(user, partner)
            return format_html(
                "{}: <b>{}</b> · {}: {} · {}: {} · {}: {} · {}: <b>{} %</b>",
                _("лидов"), s["total"], _("спам"), s["spam"], _("отказ"), s["refused"], _("клиенты"),
                s["converted"], _("конверсия"), number_format(s["conversion"], 1))

        def recent(partner):
            leads = list(source_report.partner_recent_leads(user, partner))
            return render_to_string("leads/partner_leads.html", {"leads": leads})

        return [(_("Лиды партнёра"), [(_("статистика за 30 дней"), stats), (_("последние лиды"), recent)])]
