"""The desk of contracts: the contract card, terminations, and the service set-up administrators keep."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from legal_crm.core.admin_base import MONEY_DECIMALS, CheckedAutocomplete, DeskAdmin, HistoryDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_date, format_money
from legal_crm.org.admin_filters import OfficeFilter

from . import desk, selectors, services
from .models import (
    ActionType,
    Contract,
    ContractNumbering,
    DocumentTemplate,
    DocumentType,
    RequiredDocument,
    ServiceField,
    ServiceSettings,
    StageTemplate,
    TerminationRequest,
    TerminationStepTemplate,
)


@admin.register(Contract)
class ContractAdmin(HistoryDeskAdmin):
    selector = selectors.contract_list_for_desk
    list_display = ("number", "client", "service", "office", "status", "signed", "price_rub", "sales_manager")
    list_filter = ("status", ("office", OfficeFilter), "service")
    search_fields = ("=number", "client__name", "=client__phone", "=client__inn")
    list_select_related = ("client", "service", "office", "sales_manager")

    @display(description=_("Подписан"), ordering="signed_on")
    def signed(self, obj):
        return format_date(obj.signed_on)

    @display(description=_("Стоимость"), ordering="price")
    def price_rub(self, obj):
        return format_money(obj.price)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("from-lead/<int:lead_id>/", wrap(desk.contract_from_lead_view), name="contracts_contract_from_lead"),
            path("<int:pk>/card/<slug:op>/", wrap(desk.contract_card_post), name="contracts_contract_card_post"),
            path("<int:pk>/documents/<int:document_id>/", wrap(desk.document_download),
                 name="contracts_contract_document"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return desk.contract_add_view(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return super().change_view(request, object_id, form_url, extra_context)
        if request.method == "POST":
            return HttpResponseRedirect(desk.card_url(pk))
        return desk.contract_card_view(request, pk)

    def has_delete_permission(self, request, obj=None):
        return False  # contracts are terminated, never deleted


@admin.register(TerminationRequest)
class TerminationRequestAdmin(HistoryDeskAdmin):
    selector = selectors.termination_list_visible_to
    list_display = ("contract", "client", "received", "due", "status", "is_overdue", "refund")
    list_filter = ("status", "is_overdue", ("contract__office", OfficeFilter))
    search_fields = ("=contract__number", "contract__client__name")

    @display(description=_("Клиент"))
    def client(self, obj):
        return obj.contract.client

    @display(description=_("Получено"), ordering="received_on")
    def received(self, obj):
        return format_date(obj.received_on)

    @display(description=_("Ответить до"), ordering="decision_due_on")
    def due(self, obj):
        return format_date(obj.decision_due_on)

    @display(description=_("К возврату"))
    def refund(self, obj):
        return format_money(obj.refund_amount) if obj.refund_amount is not None else "—"

    def has_add_permission(self, request):
        return False  # registered from the contract card

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return super().change_view(request, object_id, form_url, extra_context)
        return desk.termination_view(request, pk)


@admin.register(TerminationStepTemplate)
class TerminationStepTemplateAdmin(DeskAdmin):
    list_display = ("order", "title", "group")
    list_display_links = ("title",)


# --- contract numbering -----------------------------------------------------------------------------

class ContractNumberingForm(forms.ModelForm):
    class Meta:
        model = ContractNumbering
        fields = ("office", "prefix")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "office" in self.fields and user is not None:
            from legal_crm.org.selectors import office_list_visible_to

            self.fields["office"].queryset = office_list_visible_to(user).filter(contract_numbering__isnull=True)

    def clean(self):
        data = super().clean()
        office = data.get("office") or (self.instance.office if self.instance.office_id else None)
        if office is not None and data.get("prefix"):
            try:
                data["prefix"] = services.numbering_prefix_check(office, data["prefix"])
            except DomainError as exc:
                self.add_error("prefix", exc.fields.get("prefix", exc.message))
        return data


@admin.register(ContractNumbering)
class ContractNumberingAdmin(DeskAdmin):
    """Each office's contract-number prefix; two offices never share one (their numbers would collide)."""

    form = ContractNumberingForm
    list_display = ("office", "prefix")
    list_select_related = ("office",)
    search_fields = ("prefix", "office__name", "office__code")
    ordering = ("office__name",)
    selector = staticmethod(selectors.numbering_list_visible_to)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, user=request.user, **kw)

        return WithUser

    def get_readonly_fields(self, request, obj=None):
        return ("office",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False  # an office always numbers its contracts with some prefix

    def save_model(self, request, obj, form, change):
        office = obj.office if change else form.cleaned_data["office"]
        form.instance = services.numbering_prefix_set(actor=request.user, office=office,
                                                      prefix=form.cleaned_data["prefix"])


# --- service set-up (SPEC 6.5.3) --------------------------------------------------------------------

class StageTemplateInline(TabularInline):
    model = StageTemplate
    extra = 0
    fields = ("order", "name", "planned_days", "is_optional", "client_visible", "client_title")
    ordering = ("order",)


class RequiredDocumentInline(CheckedAutocomplete, TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ("order", "document_type")
    autocomplete_fields = ("document_type",)


class ServiceFieldInline(TabularInline):
    model = ServiceField
    extra = 0
    fields = ("order", "code", "label", "kind", "choices", "required")


@admin.register(ServiceSettings)
class ServiceSettingsAdmin(HistoryDeskAdmin):
    formfield_overrides = MONEY_DECIMALS
    list_display = ("name", "group", "price_rub", "contracts_total", "contracts_in_work", "is_active")
    list_filter = ("group", "is_active")
    search_fields = ("name", "code")
    fields = ("group", "code", "name", "description", "price", "is_active")
    inlines = [StageTemplateInline, RequiredDocumentInline, ServiceFieldInline]

    def get_queryset(self, request):
        return selectors.service_contract_counts()

    @display(description=_("Цена"), ordering="price")
    def price_rub(self, obj):
        return format_money(obj.price)

    @display(description=_("Договоров"), ordering="contracts_total")
    def contracts_total(self, obj):
        return obj.contracts_total

    @display(description=_("В работе"), ordering="contracts_in_work")
    def contracts_in_work(self, obj):
        return obj.contracts_in_work


@admin.register(StageTemplate)
class StageTemplateAdmin(HistoryDeskAdmin):
    list_display = ("service", "order", "name", "planned_days", "is_optional", "client_visible")
    list_filter = ("service", "client_visible")
    list_select_related = ("service",)
    search_fields = ("name",)
    ordering = ("service", "order")


@admin.register(ActionType)
class ActionTypeAdmin(HistoryDeskAdmin):
    list_display = ("name", "code", "publish_to_portal", "is_active", "order")
    list_filter = ("publish_to_portal", "is_active", "services")
    search_fields = ("name", "code")
    filter_horizontal = ("services",)
    prepopulated_fields = {"code": ("name",)}


@admin.register(DocumentType)
class DocumentTypeAdmin(DeskAdmin):
    list_display = ("name", "group", "is_active", "order")
    list_filter = ("group", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


def tags_help() -> str:
    """The tags a template may use, from the sample context every uploaded template is checked against."""
    from .printing import sample_context

    parts = []
    for key, value in sample_context().items():
        if isinstance(value, dict):
            parts.append(", ".join(f"{{{{ {key}.{name} }}}}" for name in value))
        else:
            parts.append(f"{{{{ {key} }}}}")
    return str(_("Доступные теги (в Word и в HTML одинаково): ")) + "; ".join(parts) + ". " + str(
        _("Списки: {% for c in bankruptcy.creditors %}{{ c.name }} — {{ c.amount }}{% endfor %}. "
          "Шаблон с неизвестным тегом не сохранится."))


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ("name", "code", "kind", "service", "service_group", "document_type", "group", "file", "body",
                  "print_format", "is_active")

    def clean(self):
        data = super().clean()
        upload = self.files.get("file")
        kind = data.get("kind")
        if kind is None:
            return data
        if upload is None and kind == DocumentTemplate.Kind.DOCX:
            # the stored file was checked when it was uploaded; no file at all is the model's «Загрузите файл .docx.»
            return data
        body = data.get("body") or ""
        try:
            services.validate_template_source(kind=kind, file=upload, body=body,
                                              print_format=data.get("print_format") or "")
        except DomainError as exc:
            target = next(iter(exc.fields), None)
            target = target if target in self.fields else None
            self.add_error(target, exc.message)
            if target in ("body", "file"):
                # add_error takes the field out of cleaned_data, so the instance would be checked without it and
                # the model would add a false «Заполните HTML-шаблон…» / «Загрузите файл .docx.» under the real
                # reason: the instance keeps what was typed or uploaded (the form stays invalid, nothing is saved)
                self.cleaned_data[target] = upload if target == "file" else body
        return data


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(HistoryDeskAdmin):
    form = DocumentTemplateForm
    list_display = ("name", "kind", "service", "service_group", "document_type", "is_active")
    list_filter = ("kind", "service", "service_group", "is_active")
    search_fields = ("name", "code")
    list_select_related = ("service", "service_group", "document_type")
    prepopulated_fields = {"code": ("name",)}

    def get_fieldsets(self, request, obj=None):
        return [
            (None, {"fields": ("name", "code", "kind", "is_active")}),
            (_("Где используется"), {"fields": ("service", "service_group", "document_type", "group")}),
            (_("Содержимое"), {"fields": ("file", "body", "print_format"), "description": tags_help()}),
        ]

    def save_model(self, request, obj, form, change):
        upload = form.files.get("file")
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields if name != "file"}
        obj.file = obj.file if upload is None else None
        saved = services.template_save(actor=request.user, template=obj, file=upload, **fields)
        form.instance = saved
