"""Desk lists of certificates and client bonus accounts; a certificate is issued through the service."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from legal_crm.core.admin_base import DeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import WrittenInCleanMixin

from . import selectors, services
from .models import Article, BonusAccount, BonusEntry, Certificate, CertificateRedemption


class RedemptionInline(TabularInline):
    model = CertificateRedemption
    fields = ("created_at", "payment", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(DeskAdmin):
    selector = staticmethod(selectors.certificate_list_visible_to)
    list_display = ("number", "office", "kind", "amount", "balance", "client", "service", "valid_until", "status")
    list_filter = ("status", "kind", "office")
    search_fields = ("number", "client__name")
    fields = ("number", "office", "kind", "amount", "client", "service", "valid_from", "valid_until")
    raw_id_fields = ("client",)
    inlines = (RedemptionInline,)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.fields, "balance", "status", "cancel_reason")

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else (*self.fields, "balance", "status", "cancel_reason")

    def save_model(self, request, obj, form, change):
        if change:
            return
        issued = form.issued  # the service ran in the form's clean (a refusal is shown on the form)
        obj.pk, obj.number, obj.balance, obj.status = issued.pk, issued.number, issued.balance, issued.status

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form_class

        class IssueForm(WrittenInCleanMixin, form_class):
            def clean(self):
                data = super().clean()
                if self.errors:
                    return data
                try:
                    # The admin saves in one transaction with this call (ATOMIC view): a later failure undoes it.
                    self.issued = services.certificate_issue(
                        actor=request.user, office=data["office"], amount=data["amount"], kind=data["kind"],
                        client=data.get("client"), service=data.get("service"), valid_from=data["valid_from"],
                        valid_until=data["valid_until"], number=data.get("number") or "")
                except DomainError as exc:
                    for field, message in (exc.fields or {}).items():
                        self.add_error(field if field in self.fields else None, message)
                    if not exc.fields:
                        self.add_error(None, exc.message)
                return data

        return form_class if change else IssueForm


class BonusEntryInline(TabularInline):
    model = BonusEntry
    fields = ("created_at", "kind", "amount", "remaining", "expires_on", "reason", "payment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BonusAccount)
class BonusAccountAdmin(ReadOnlyDeskAdmin):
    selector = staticmethod(selectors.bonus_account_list_visible_to)
    list_display = ("client", "group", "balance", "updated_at")
    list_filter = ("group",)
    search_fields = ("client__name",)
    inlines = (BonusEntryInline,)
    verbose_name = _("бонусный счёт")


@admin.register(Article)
class ArticleAdmin(DeskAdmin):
    """The income and expense articles (a reference table of the whole chain, saved by the generic record
    service with its audit). Articles are retired, never deleted: plans and the books keep pointing at them;
    the billing article's kind is fixed (payments are an income)."""

    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    fields = ("name", "kind", "is_active")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ("kind",) if obj is not None and obj.code else ()

# The pages of payroll, discounts, automatic bonuses and agents register themselves on import.
from . import admin_agents, admin_bonuses, admin_payroll_discounts  # noqa: E402,F401
