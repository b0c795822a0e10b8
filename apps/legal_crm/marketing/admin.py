"""The desk for marketing: ad sources and partners (token, field mapping). Leads add the lead type, the partner's
leads and the "Лиды по источникам" report to these pages (leads/admin/marketing.py, hooks.DESK_EXTENSIONS)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.marketing import perms

from . import services
from .forms import PartnerForm
from .models import AdSource, Partner


@admin.register(AdSource)
class AdSourceAdmin(HistoryDeskAdmin):
    # The lead type of a source's leads is leads' (a column and an inline through hooks.DESK_EXTENSIONS), and so is
    # the "Лиды по источникам" report at report/.
    list_display = ("name", "code", "channel", "expects_mobile", "is_active")
    list_filter = ("channel", "is_active")
    search_fields = ("name", "code")
    fields = ("name", "code", "channel", "expects_mobile", "operator_info", "is_active")


@admin.register(Partner)
class PartnerAdmin(HistoryDeskAdmin):
    form = PartnerForm
    list_display = ("name", "default_source", "api_user", "is_active")
    list_select_related = ("default_source", "api_user")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = ("api_access",)
    # The partner's lead type and its leads (figures, latest) are added by leads (hooks.DESK_EXTENSIONS).
    fieldsets = (
        (None, {"fields": ("name", "default_source", "is_active")}),
        (_("Доступ к API"), {"fields": ("api_access", "field_mapping")}),
        (_("Контакты"), {"fields": ("contact_name", "contact_phone", "note")}),
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
        can_manage = viewer is not None and viewer.has_perm(perms.MANAGE_PARTNER_TOKEN)
        return format_html(
            '{}<div style="margin-top:6px">{}</div>',
            render_to_string("marketing/partner_token.html", {
                "key": key if can_manage else (key[:6] + "…" if key else None),
                "url": reverse("admin:marketing_partner_token", args=[obj.pk]), "can_manage": can_manage,
                "user": obj.api_user}),
            _("Лиды шлются POST /api/v1/leads/ с заголовком Authorization: Token <ключ>."),
        )

    def get_object(self, request, object_id, from_field=None):
        # The token field above depends on who looks (in full only to those who manage tokens). The admin
        # object is shared by all requests and threads, so the viewer travels on this request's own instance.
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._viewer = request.user
        return obj
