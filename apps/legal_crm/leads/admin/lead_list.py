"""The desk's lead list and lead form: the list built for a million rows (capped count, indexed phone search,
filters from reference tables), the add form that runs the intake and the change form that runs lead_edit."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from unfold.decorators import action, display

from legal_crm.core.admin_base import HistoryDeskAdmin, ReadOnlyInline
from legal_crm.core.errors import DomainError
from legal_crm.core.paginators import CappedPaginator
from legal_crm.core.validators import format_phone
from legal_crm.leads import perms
from legal_crm.org.selectors import office_ids_visible_to

from .. import selectors, services
from ..forms import LeadAddForm, LeadChangeForm
from ..models import AssignmentLog, Lead, LeadContact, LeadStatusLog, PlannedCall
from ..selectors.list_rows import LIST_COLUMNS, created_text
from .common import ServiceSaveMixin, colored_badge
from .filters import (
    OfficeFilter,
    OwnerFilter,
    PeriodFilter,
    SourceFilter,
    StatusFilter,
    TypeFilter,
)


class ContactInline(ReadOnlyInline):
    model = LeadContact
    verbose_name_plural = _("обращения")
    fields = ("at", "is_duplicate", "phone_shown", "name", "source", "partner", "utm_source", "utm_campaign",
              "comment")
    readonly_fields = fields
    ordering = ("-at",)

    @display(description=_("Телефон"))
    def phone_shown(self, obj):
        return format_phone(obj.phone)  # as the lead's own number is shown above: +7 916 123-45-67


class StatusLogInline(ReadOnlyInline):
    model = LeadStatusLog
    fields = ("at", "from_status", "to_status", "reason", "actor", "comment")
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = AssignmentLog
    fk_name = "lead"
    fields = ("at", "reason", "office", "assigned_to", "previous_office", "previous_assigned_to", "rule", "actor")
    readonly_fields = fields


class PlannedCallInline(ReadOnlyInline):
    model = PlannedCall
    fields = ("due_at", "assignee", "done_at", "result", "comment")
    readonly_fields = fields


@admin.register(Lead)
class LeadAdmin(ServiceSaveMixin, HistoryDeskAdmin):
    selector = staticmethod(selectors.lead_list_visible_to)
    paginator = CappedPaginator
    result_count_label = ngettext_lazy("%(count)s лид", "%(count)s лидов", "count")  # the list's footer
    refusal_on_form = True  # LeadChangeForm shows a refused status or reassignment on its field
    list_display = LIST_COLUMNS
    list_display_links = ("created",)
    list_select_related = selectors.LIST_RELATED
    list_filter = (StatusFilter, TypeFilter, SourceFilter, OfficeFilter, OwnerFilter, PeriodFilter)
    search_fields = ("phone",)  # the search box; get_search_results matches it on the indexed phone
    search_help_text = _("Телефон в любом виде (+7 916 123-45-67, 8916…) или любые его цифры подряд, от четырёх "
                         "(конец номера: 7752438), имя или номер лида #123.")
    sortable_by = ("created",)
    ordering = ("-created_at", "-id")
    actions = ("restore_from_spam", "redistribute")
    inlines = (ContactInline, StatusLogInline, AssignmentInline, PlannedCallInline)
    readonly_fields = ("phone_link", "type", "source", "partner", "external_id", "is_spam", "spam_rule",
                       "score", "client", "utm_source", "utm_medium", "utm_campaign", "consent_personal_data",
                       "consent_text", "consent_at", "consent_source", "consent_ip", "contacts_count",
                       "last_contact_at", "created_at", "card_link")
    autocomplete_fields = ()
    raw_id_fields = ("service",)
    filter_horizontal = ()

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = LeadChangeForm if obj is not None else LeadAddForm
        form = super().get_form(request, obj, **kwargs)  # a new class per call: safe to set per request
        if obj is not None:
            form.user = request.user
            form.service_error = getattr(request, "_lead_service_error", None)
        return form

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("phone", "name", "source", "lead_type", "comment",
                                       "consent_personal_data", "consent_ads")})]
        # The status comment is an input of the change, not a field of the lead: a reader (view only) has no form
        # to take it, and the page showed it under its code name «Status comment».
        status_comment = ("status_comment",) if self.has_change_permission(request, obj) else ()
        return [
            (None, {"fields": ("card_link", "phone_link", "name", "status", "refusal_reason", *status_comment,
                               "type", "office", "assigned_to")}),
            (_("Интерес"), {"fields": ("service", "segment", "score", "tags", "comment", "client")}),
            (_("Откуда"), {"fields": ("source", "partner", "external_id", "utm_source", "utm_medium",
                                      "utm_campaign", "is_spam", "spam_rule", "contacts_count",
                                      "last_contact_at", "created_at")}),
            (_("Согласия"), {"fields": ("consent_personal_data", "consent_ads", "consent_text", "consent_at",
                                        "consent_source", "consent_ip")}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    # --- list columns ---------------------------------------------------------------------------------
    # The columns for the generic rendering (a popup, an extension's column); the list itself renders its rows in
    # one template pass from selectors/list_rows.py (templates/admin/leads/lead/change_list.html).
    @display(description=_("создан"), ordering="created_at")
    def created(self, obj):
        return created_text(obj)

    @display(description=_("имя"))
    def lead_name(self, obj):
        # The name opens the lead card, the screen operators work a call in (UX.md).
        return format_html('<a class="text-primary-600 font-semibold" href="{}">{}</a>',
                           reverse("leads_lead_card", args=[obj.pk]), obj.name or _("Без имени"))

    @display(description=_("телефон"))
    def phone_link(self, obj):
        return format_html('<a href="tel:{}">{}</a>', obj.phone, obj.phone_display)

    @display(description=_("статус"))
    def status_badge(self, obj):
        return colored_badge(obj.status.name, obj.status.color)

    @display(description=_("карточка"))
    def card_link(self, obj):
        try:
            url = reverse("leads_lead_card", args=[obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Открыть карточку лида"))

    # --- search: the indexed phone column and its parts, never LIKE '%…%' ------------------------------------------------
    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        if term.startswith("#") and term[1:].isdigit():
            return queryset.filter(pk=int(term[1:])), False
        if selectors.is_phone_search(term):
            return selectors.filter_by_phone(queryset, term), False
        # LIKE 'term%' on the name: MariaDB's case-insensitive collation keeps it on the index; on SQLite,
        # core/sqlite_like.py makes LIKE ignore case in Cyrillic too («смирнова» finds «Смирнова»).
        return queryset.filter(name__istartswith=term), False

    # --- writes go through services -------------------------------------------------------------------
    def add_view(self, request, form_url="", extra_context=None):
        """The add form's POST runs the intake here, outside admin's changeform transaction: the intake owns its
        transaction (durable — its dedup lock, retries and events after commit need that), so it is never a part
        of another one. The page itself (and a form with errors) is admin's."""
        if request.method != "POST" or not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)
        form = self.get_form(request, None)(request.POST)
        if not form.is_valid():
            return super().add_view(request, form_url, extra_context)  # shows the form's errors
        try:
            lead, created = services.lead_intake(actor=request.user, data=self._intake_data(request, form),
                                                 offices=office_ids_visible_to(request.user))
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return self._response_intake(request, lead, created)

    @staticmethod
    def _intake_data(request, form) -> services.IntakeData:
        data = form.cleaned_data
        return services.IntakeData(
            phone=data["phone"], name=data.get("name", ""), source=getattr(data.get("source"), "code", None),
            comment=data.get("comment", ""), consent_personal_data=data.get("consent_personal_data", False),
            consent_ads=data.get("consent_ads", False), lead_type=data.get("lead_type") or None,
            ip=request.META.get("REMOTE_ADDR"))

    def _response_intake(self, request, lead, created: bool):
        if not created and not selectors.lead_is_visible_to(request.user, lead):
            # Another office's lead: the visit is recorded on it, and nothing of it is shown.
            self.message_user(request, _("Этот человек уже обращался, его лид ведёт другой офис: обращение "
                                         "добавлено к тому лиду."), level=messages.WARNING)
            return HttpResponseRedirect(reverse("admin:leads_lead_changelist"))
        if created:
            self.message_user(request, _("Лид «%(lead)s» добавлен.") % {"lead": lead}, level=messages.SUCCESS)
        elif getattr(lead, "_reopened", False):
            self.message_user(request, _("Этот человек уже обращался и получил отказ: лид открыт заново "
                                         "и распределён, обращение добавлено к нему."), level=messages.WARNING)
        else:
            self.message_user(request, _("Этот номер уже есть в работе: обращение добавлено к лиду."),
                              level=messages.WARNING)
        if "_addanother" in request.POST:
            return HttpResponseRedirect(reverse("admin:leads_lead_add"))
        return HttpResponseRedirect(reverse("leads_lead_card", args=[lead.pk]))  # the operator works the call there

    def save_model(self, request, obj, form, change):
        # Only the change form saves here (add_view runs the intake). One edit, one service: the fields, then the
        # office and operator, then the status — as the API's PATCH.
        data = form.cleaned_data
        changes = {k: data[k] for k in ("name", "comment", "service", "segment", "consent_ads") if k in data}
        changes.update(tags=data.get("tags"), office=data.get("office"), assigned_to=data.get("assigned_to"),
                       status=data.get("status"), refusal_reason=data.get("refusal_reason"),
                       status_comment=data.get("status_comment", ""))
        services.lead_edit(actor=request.user, lead=Lead.objects.get(pk=obj.pk), changes=changes)

    def save_related(self, request, form, formsets, change):
        # Tags are saved by lead_update; the inlines are read-only logs.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # leads are never deleted; spam is kept with its rule

    # --- actions --------------------------------------------------------------------------------------
    @action(description=_("Восстановить из спама"), permissions=["restore"])
    def restore_from_spam(self, request, queryset):
        done = 0
        for lead in queryset[:200]:
            if self.run_service(request, services.lead_restore_from_spam, actor=request.user, lead=lead):
                done += 1
        if done:
            self.message_user(request, _("Восстановлено лидов: %(n)s.") % {"n": done}, level=messages.SUCCESS)

    def has_restore_permission(self, request):
        return request.user.has_perm(perms.RESTORE_SPAM)

    @action(description=_("Распределить заново"), permissions=["reassign"])
    def redistribute(self, request, queryset):
        done = 0
        for lead in queryset[:200]:
            if self.run_service(request, services.lead_redistribute, actor=request.user, lead=lead):
                done += 1
        if done:
            self.message_user(request, _("Распределено лидов: %(n)s.") % {"n": done}, level=messages.SUCCESS)

    def has_reassign_permission(self, request):
        return request.user.has_perm(perms.REASSIGN_LEAD)

