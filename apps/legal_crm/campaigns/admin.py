"""The desk's campaigns: the draft form, the preview with the planned cost and the start, and the campaign page
(counts, cost planned and actual, pause / resume / cancel, the recipients with their statuses)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money

from . import perms, selectors, services
from .forms import CampaignForm
from .models import Campaign

PREVIEW_ROWS = 20
RECIPIENTS_PER_PAGE = 100


@admin.register(Campaign)
class CampaignAdmin(HistoryDeskAdmin):
    selector = selectors.campaign_list_visible_to
    form = CampaignForm
    list_display = ("name", "office", "kind", "status_badge", "started_at", "planned")
    list_filter = ("status", "kind")
    search_fields = ("name",)
    autocomplete_fields = ()
    filter_horizontal = ("statuses", "services", "tags")
    fieldsets = (
        (None, {"fields": ("name", "office", "kind", "text", "template", "is_advertising")}),
        (_("Кому"), {"fields": ("audience", "statuses", "services", "tags", "segment", "debt_min",
                                "last_contact_after", "last_contact_before")}),
        (_("Когда"), {"fields": ("starts_at", "daily_limit", "weekdays", "hours_from", "hours_to")}),
    )

    @display(description=_("Состояние"), label={"draft": "info", "scheduled": "warning", "running": "success",
                                                "paused": "warning", "finished": "info", "cancelled": "danger"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Стоимость по расчёту"))
    def planned(self, obj):
        return format_money(obj.planned_cost) if obj.planned_cost is not None else "—"

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_CAMPAIGN)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != Campaign.Status.DRAFT:
            return False  # a started campaign is frozen: its page shows it, pause/resume/cancel act on it
        return request.user.has_perm(perms.CHANGE_CAMPAIGN)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.campaign_save(actor=request.user, campaign=obj, statuses=data.get("statuses"),
                                       services=data.get("services"), tags=data.get("tags"))
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        pass  # the service set the many-to-many filters

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self._campaign(request, object_id)
        if campaign.status != Campaign.Status.DRAFT:
            return self.campaign_page(request, campaign)
        extra = {**(extra_context or {}), "campaign_preview_url": reverse("admin:campaigns_campaign_preview",
                                                                           args=[campaign.pk])}
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self):
        own = [
            path("<str:object_id>/preview/", self.admin_site.admin_view(self.preview_view),
                 name="campaigns_campaign_preview"),
            path("<str:object_id>/pause/", self.admin_site.admin_view(self._action_view(services.campaign_pause,
                 _("Рассылка приостановлена."))), name="campaigns_campaign_pause"),
            path("<str:object_id>/resume/", self.admin_site.admin_view(self._action_view(services.campaign_resume,
                 _("Рассылка продолжена."))), name="campaigns_campaign_resume"),
            path("<str:object_id>/cancel/", self.admin_site.admin_view(self._action_view(services.campaign_cancel,
                 _("Рассылка отменена: ждущие получатели и неотправленные сообщения сняты."))),
                 name="campaigns_campaign_cancel"),
        ]
        return own + super().get_urls()

    def _campaign(self, request, object_id) -> Campaign:
        if not str(object_id).isdigit():
            raise Http404
        campaign = selectors.campaign_list_visible_to(request.user).filter(pk=int(object_id)).first()
        if campaign is None:
            raise Http404(_("Рассылка не найдена или вам недоступна."))
        return campaign

    def _action_view(self, service, success):
        def view(request, object_id):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            campaign = self._campaign(request, object_id)
            self.run_service(request, service, actor=request.user, campaign=campaign, success=success)
            return redirect("admin:campaigns_campaign_change", campaign.pk)

        return view

    def preview_view(self, request, object_id):
        campaign = self._campaign(request, object_id)
        if request.method == "POST":
            if not request.user.has_perm(perms.RUN_CAMPAIGN):
                raise PermissionDenied
            started = self.run_service(request, services.campaign_start, actor=request.user, campaign=campaign,
                                       success=_("Рассылка запущена."))
            if started is None:
                return redirect("admin:campaigns_campaign_preview", campaign.pk)
            return redirect("admin:campaigns_campaign_change", campaign.pk)
        if campaign.status != Campaign.Status.DRAFT:
            return redirect("admin:campaigns_campaign_change", campaign.pk)
        try:
            plan = services.preview(actor=request.user, campaign=campaign, first=PREVIEW_ROWS)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return redirect("admin:campaigns_campaign_change", campaign.pk)
        counts = plan["counts"]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "campaign": campaign,
                   "title": _("Предпросмотр рассылки «%(name)s»") % {"name": campaign.name},
                   "plan": plan, "estimate": plan["estimate"],
                   "counts": [(label, counts.get(value, 0)) for value, label in self._statuses()],
                   "can_run": request.user.has_perm(perms.RUN_CAMPAIGN)}
        return TemplateResponse(request, "campaigns/preview.html", context)

    @staticmethod
    def _statuses():
        from .models import CampaignRecipient

        return CampaignRecipient.Status.choices

    def campaign_page(self, request, campaign: Campaign):
        stats = selectors.campaign_stats(campaign)
        page = Paginator(selectors.recipients_of(campaign), RECIPIENTS_PER_PAGE).get_page(request.GET.get("p"))
        can_run = request.user.has_perm(perms.RUN_CAMPAIGN)
        S = Campaign.Status
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "campaign": campaign,
                   "title": campaign.name, "stats": stats, "page": page,
                   "status_text": selectors.status_text(campaign, stats),
                   "can_pause": can_run and campaign.status in (S.SCHEDULED, S.RUNNING),
                   "can_resume": can_run and campaign.status == S.PAUSED,
                   "can_cancel": can_run and campaign.status in (S.SCHEDULED, S.RUNNING, S.PAUSED)}
        return TemplateResponse(request, "campaigns/campaign_page.html", context)
