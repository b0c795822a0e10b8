from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from unfold.admin import TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from legal_crm.core.admin_base import MONEY_DECIMALS, DeskAdmin, HistoryDeskAdmin
from legal_crm.core.admin_search import PhoneSearchMixin
from legal_crm.core.errors import DomainError

from . import selectors, services
from .admin_import import CounterpartyResource
from .models import Counterparty, FinancialManager, SelfRegulatoryOrganization, Service, ServiceGroup, Tag


@admin.register(Tag)
class TagAdmin(DeskAdmin):
    list_display = ("name", "group", "color")
    list_filter = ("group",)
    search_fields = ("name",)


class CounterpartyForm(forms.ModelForm):
    """The card's form. A refusal of the service (a second card of the same legal entity, a rule of the model)
    comes back on its fields; the existing card is named with a link when the user may see it."""

    user = None
    service_error: DomainError | None = None

    class Meta:
        model = Counterparty
        fields = (*services.COUNTERPARTY_FIELDS, "tags")

    def clean(self):
        cleaned = super().clean()
        error = self.service_error
        if error is None and cleaned.get("inn"):
            existing = selectors.counterparty_same_entity(cleaned["inn"], cleaned.get("kpp") or "",
                                                          exclude_pk=self.instance.pk)
            if existing is not None:
                error = services.duplicate_error(self.user, existing)
        if error is None:
            return cleaned
        on_fields = [name for name in error.fields if name in self.fields]
        for name in on_fields:
            self.add_error(name, self._with_link(error, error.fields[name]))
        if not on_fields:
            self.add_error(None, error.message)
        return cleaned

    @staticmethod
    def _with_link(error: DomainError, message: str):
        existing_id = error.extra.get("existing_id")
        if not existing_id:
            return message
        return format_html('{} <a href="{}" class="underline">{}</a>', message,
                           reverse("admin:directory_counterparty_change", args=[existing_id]),
                           _("Открыть карточку №%(pk)s") % {"pk": existing_id})


@admin.register(Counterparty)
class CounterpartyAdmin(PhoneSearchMixin, HistoryDeskAdmin, ImportExportModelAdmin):
    selector = staticmethod(selectors.counterparty_list_visible_to)  # the export and autocomplete read it too
    form = CounterpartyForm
    resource_classes = [CounterpartyResource]  # import and export: the user's rows only, writes by the services
    to_encoding = "utf-8-sig"  # CSV with a byte-order mark: Excel then reads the Cyrillic names as UTF-8
    import_form_class = ImportForm
    export_form_class = ExportForm
    list_display = ("name", "kind", "role", "inn", "phone")
    list_filter = ("kind", "role", "tags")
    search_fields = ("name", "short_name", "=inn", "=phone")
    filter_horizontal = ("tags",)
    fieldsets = (
        (None, {"fields": ("kind", "role", "name", "short_name", "birth_date", "tags", "note")}),
        (_("Контакты"), {"fields": ("phone", "email", "address", "region")}),
        (_("Реквизиты"), {"fields": ("inn", "kpp", "ogrn", "snils")}),
        (_("Паспорт"), {"fields": ("passport_series", "passport_number", "passport_issued_by",
                                   "passport_issued_on", "passport_department_code")}),
        (_("Банк"), {"fields": ("bank_name", "bik", "account", "corr_account")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # Digits typed (a phone, any part of one, an ИНН): the indexed lookups of the directory's search, not the
        # LIKE '%…%' over names that search_fields would add.
        term = (search_term or "").strip()
        if selectors.counterparty_ids_by_phone_part(term) is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(selectors.counterparty_search_condition(term)), False

    def process_import(self, request, **kwargs):
        """The confirm step reads the file the preview stored; a second click on «Подтвердить импорт», a stale
        page or a forged name finds no file: say so and send the user back to the upload (it was a 500)."""
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            self.message_user(request, _("Файл импорта уже обработан или устарел. Загрузите его ещё раз."),
                              level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:directory_counterparty_import"))

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    # --- writes go through the services -----------------------------------------------------------------
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a new class per call: safe to set per request
        form.user = request.user
        form.service_error = getattr(request, "_counterparty_service_error", None)
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            if request.method != "POST":
                self.message_user(request, exc.message, level=messages.ERROR)
                return HttpResponseRedirect(reverse("admin:directory_counterparty_changelist"))
            request._counterparty_service_error = exc  # the same POST again, the refusal on its fields
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in (*services.COUNTERPARTY_FIELDS, "tags")
                if name in form.cleaned_data}
        if change:
            saved = services.counterparty_update(actor=request.user, counterparty=obj, **data)
        else:
            saved = services.counterparty_create(actor=request.user, **data)
            obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # the tags were saved by the service with the card; the card has no inlines

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:directory_counterparty_changelist"))

    def delete_model(self, request, obj):
        services.counterparty_delete(actor=request.user, counterparty=obj)

    def delete_queryset(self, request, queryset):
        for counterparty in queryset:
            self.run_service(request, services.counterparty_delete, actor=request.user, counterparty=counterparty)


class ManagerInline(TabularInline):
    model = FinancialManager
    fields = ("last_name", "first_name", "registry_number", "is_active")
    extra = 0
    show_change_link = True


@admin.register(SelfRegulatoryOrganization)
class SROAdmin(HistoryDeskAdmin):
    list_display = ("short_name", "inn", "registry_number")
    search_fields = ("short_name", "full_name", "=inn")
    inlines = [ManagerInline]


@admin.register(FinancialManager)
class FinancialManagerAdmin(HistoryDeskAdmin):
    list_display = ("name", "inn", "registry_number", "sro", "is_active")
    list_filter = ("is_active", "sro")
    search_fields = ("last_name", "=inn", "registry_number")
    list_select_related = ("sro",)
    autocomplete_fields = ("sro",)

    @admin.display(description=_("ФИО"), ordering="last_name")
    def name(self, obj):
        return obj.full_name


@admin.register(ServiceGroup)
class ServiceGroupAdmin(DeskAdmin):
    list_display = ("name", "code", "is_bankruptcy", "order")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Service)
class ServiceAdmin(HistoryDeskAdmin):
    formfield_overrides = MONEY_DECIMALS
    list_display = ("name", "group", "price", "is_active")
    list_filter = ("group", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    list_select_related = ("group",)
