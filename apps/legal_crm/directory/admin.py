from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from unfold.admin import TabularInline
from unfold.contrib.import_export.forms import ExportForm, ImportForm

from legal_crm.core.admin_base import MONEY_DECIMALS, DeskAdmin, HistoryDeskAdmin
from legal_crm.core.admin_search import PhoneSearchMixin

from . import selectors
from .models import Counterparty, FinancialManager, SelfRegulatoryOrganization, Service, ServiceGroup, Tag


@admin.register(Tag)
class TagAdmin(DeskAdmin):
    list_display = ("name", "group", "color")
    list_filter = ("group",)
    search_fields = ("name",)


@admin.register(Counterparty)
class CounterpartyAdmin(PhoneSearchMixin, HistoryDeskAdmin, ImportExportModelAdmin):
    selector = staticmethod(selectors.counterparty_list_visible_to)  # the export and autocomplete read it too
    to_encoding = "utf-8-sig"  # CSV with a byte-order mark: Excel then reads the Cyrillic names as UTF-8
    import_form_class = ImportForm
    export_form_class = ExportForm
    list_display = ("name", "kind", "role", "inn", "phone")
    list_filter = ("kind", "role", "tags")
    search_fields = ("name", "short_name", "=inn", "=phone")
    filter_horizontal = ("tags",)
    fieldsets = (
        (None, {"fields": ("kind", "role", "name", "short_name", "birth_date", "tags", "note")}),
        (_("Контакты"), {"fields": ("phone", "email", "address")}),
        (_("Реквизиты"), {"fields": ("inn", "kpp", "ogrn", "snils")}),
        (_("Паспорт"), {"fields": ("passport_series", "passport_number", "passport_issued_by",
                                   "passport_issued_on", "passport_department_code")}),
        (_("Банк"), {"fields": ("bank_name", "bik", "account", "corr_account")}),
    )


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
