"""The desk for leads: the lead list built for a million rows, reference data, planned calls."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from unfold.admin import TabularInline
from unfold.decorators import action, display

from legal_crm.core.admin_base import DeskAdmin, HistoryDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.paginators import CappedPaginator
from legal_crm.leads import perms
from legal_crm.org.selectors import office_ids_visible_to

from . import selectors, services
from .admin_filters import (
    OfficeFilter,
    OverdueFilter,
    OwnerFilter,
    PeriodFilter,
    SourceFilter,
    StatusFilter,
    TypeFilter,
)
from .forms import LeadAddForm, LeadChangeForm
from .models import (
    AssignmentLog,
    ClientMerge,
    DistributionRule,
    Lead,
    LeadContact,
    LeadSettings,
    LeadStatus,
    LeadStatusLog,
    LeadType,
    PlannedCall,
    RefusalReason,
    SpamRule,
    StatusTransition,
)


class ServiceSaveMixin:
    """The admin's save runs services in one transaction: a DomainError they raise rolls it back whole and is
    shown as a message — or, where the change form can show it on its fields (`refusal_on_form`, the form's
    clean() reading `service_error`), the same POST is rendered again so what was typed stays."""

    refusal_on_form = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            if not self.refusal_on_form or object_id is None or request.method != "POST":
                self.message_user(request, exc.message, level=messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            request._lead_service_error = exc
            return super().changeform_view(request, object_id, form_url, extra_context)


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ContactInline(ReadOnlyInline):
    model = LeadContact
    verbose_name_plural = _("обращения")
    fields = ("at", "is_duplicate", "phone", "name", "source", "partner", "utm_source", "utm_campaign", "comment")
    readonly_fields = fields
    ordering = ("-at",)


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


def _badge(text, color):
    return format_html('<span style="background:{};color:#fff;border-radius:4px;padding:1px 6px;'
                       'white-space:nowrap">{}</span>', color, text)


@admin.register(Lead)
class LeadAdmin(ServiceSaveMixin, HistoryDeskAdmin):
    selector = staticmethod(selectors.lead_list_visible_to)
    paginator = CappedPaginator
    result_count_label = ngettext_lazy("%(count)s лид", "%(count)s лидов", "count")  # the list's footer
    refusal_on_form = True  # LeadChangeForm shows a refused status or reassignment on its field
    list_display = ("created", "lead_name", "phone_link", "status_badge", "type", "source", "office",
                    "assigned_to")
    list_display_links = ("created",)
    list_select_related = selectors.LIST_RELATED
    list_filter = (StatusFilter, TypeFilter, SourceFilter, OfficeFilter, OwnerFilter, PeriodFilter)
    search_fields = ("phone",)  # the search box; get_search_results matches it on the indexed phone
    search_help_text = _("Телефон в любом виде (+7 916 123-45-67, 8916…, от пяти цифр начала), имя или номер лида #123.")
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
    @display(description=_("создан"), ordering="created_at")
    def created(self, obj):
        from django.utils import timezone

        return timezone.localtime(obj.created_at).strftime("%d.%m.%Y %H:%M")

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
        return _badge(obj.status.name, obj.status.color)

    @display(description=_("карточка"))
    def card_link(self, obj):
        try:
            url = reverse("leads_lead_card", args=[obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>', url, _("Открыть карточку лида"))

    # --- search: the indexed phone column, never LIKE '%…%' ------------------------------------------------
    def get_search_results(self, request, queryset, search_term):
        term = (search_term or "").strip()
        if not term:
            return queryset, False
        if term.startswith("#") and term[1:].isdigit():
            return queryset.filter(pk=int(term[1:])), False
        if selectors.phone_search_prefix(term) is not None:
            return selectors.filter_by_phone(queryset, term), False
        # LIKE 'term%' on the name: MariaDB's case-insensitive collation keeps it on the index; on SQLite,
        # core/sqlite_like.py makes LIKE ignore case in Cyrillic too («смирнова» finds «Смирнова»).
        return queryset.filter(name__istartswith=term), False

    # --- writes go through services -------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            payload = services.IntakeData(
                phone=data["phone"], name=data.get("name", ""), source=getattr(data.get("source"), "code", None),
                comment=data.get("comment", ""), consent_personal_data=data.get("consent_personal_data", False),
                consent_ads=data.get("consent_ads", False), lead_type=data.get("lead_type") or None,
                ip=request.META.get("REMOTE_ADDR"))
            # A lead added by hand stays in the adder's offices: they see what they just made.
            lead, created = services.lead_intake(actor=request.user, data=payload,
                                                 offices=office_ids_visible_to(request.user))
            obj.pk = lead.pk
            obj.__dict__.update({k: v for k, v in lead.__dict__.items() if not k.startswith("_")})
            if not created and not selectors.lead_is_visible_to(request.user, lead):
                obj._hidden_duplicate = True  # another office's lead: response_add says nothing of it
            elif not created and getattr(lead, "_reopened", False):
                self.message_user(request, _("Этот человек уже обращался и получил отказ: лид открыт заново "
                                             "и распределён, обращение добавлено к нему."), level=messages.WARNING)
            elif not created:
                self.message_user(request, _("Этот номер уже есть в работе: обращение добавлено к лиду."),
                                  level=messages.WARNING)
            return
        # One edit, one service: the fields, then the office and operator, then the status — as the API's PATCH.
        changes = {k: data[k] for k in ("name", "comment", "service", "segment", "consent_ads") if k in data}
        changes.update(tags=data.get("tags"), office=data.get("office"), assigned_to=data.get("assigned_to"),
                       status=data.get("status"), refusal_reason=data.get("refusal_reason"),
                       status_comment=data.get("status_comment", ""))
        services.lead_edit(actor=request.user, lead=Lead.objects.get(pk=obj.pk), changes=changes)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "_hidden_duplicate", False):
            self.message_user(request, _("Этот человек уже обращался, его лид ведёт другой офис: обращение "
                                         "добавлено к тому лиду."), level=messages.WARNING)
            return HttpResponseRedirect(reverse("admin:leads_lead_changelist"))
        return super().response_add(request, obj, post_url_continue)

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

    def get_readonly_fields(self, request, obj=None):
        return ("lead", "done_at", "result", "assignee") if obj else ("done_at", "result")

    def get_list_display(self, request):
        from legal_crm.telephony import perms as telephony_perms

        shown = super().get_list_display(request)
        return [*shown, "call_button"] if request.user.has_perm(telephony_perms.MAKE_CALL) else shown

    @display(description=_("звонок"))
    def call_button(self, obj):
        # Not a form: the list sits inside the changelist's own form. The call window's script posts it.
        if obj.done_at:
            return ""
        return format_html('<button type="button" class="border rounded px-2 py-1" data-telephony-call-subject='
                           '"planned_call" data-telephony-call-id="{}">📞 {}</button>', obj.pk, _("Позвонить"))

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
            return _badge(_("Выполнен"), "#16a34a")
        if obj.is_overdue:
            return _badge(_("Просрочен"), "#dc2626")
        return _badge(_("Запланирован"), "#2563eb")

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
    list_display = ("name", "code", "order", "badge", "is_initial", "is_open", "is_refusal", "needs_reason",
                    "reengage_after_days", "is_final", "is_spam", "is_converted", "is_active")
    list_editable = ("order",)
    inlines = (TransitionInline,)
    search_fields = ("name", "code")

    @display(description=_("вид"))
    def badge(self, obj):
        return _badge(obj.name, obj.color)


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


@admin.register(ClientMerge)
class ClientMergeAdmin(DeskAdmin):
    list_display = ("at", "survivor", "merged_id", "actor")
    readonly_fields = ("at", "survivor", "merged_id", "merged_snapshot", "moved_lead_ids", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The questionnaire, the lead card, the call-script boards and the merge of client cards register themselves.
from . import admin_card, admin_merge, admin_scripts  # noqa: E402, F401
