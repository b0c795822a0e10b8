"""Automatic bonuses in the desk: the rules, and who recommended a lead (recorded through the service)."""

from __future__ import annotations

from django.contrib import admin

from legal_crm.core.admin_base import DeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import WrittenInCleanMixin

from . import selectors
from .models import BonusRule, ClientReferral
from .services.bonus_rules import referral_record


@admin.register(BonusRule)
class BonusRuleAdmin(DeskAdmin):
    list_display = ("event", "group", "percent", "amount", "valid_days", "is_active")
    list_filter = ("event", "group", "is_active")
    fields = ("event", "group", "percent", "amount", "valid_days", "is_active")


@admin.register(ClientReferral)
class ClientReferralAdmin(DeskAdmin):
    selector = staticmethod(selectors.referral_list_visible_to)
    list_display = ("lead", "referrer", "reward", "created_by", "created_at")
    fields = ("lead", "referrer")
    raw_id_fields = ("lead", "referrer")

    def has_change_permission(self, request, obj=None):
        return False  # a referral is recorded once; a wrong one is deleted and recorded again

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RecordForm(WrittenInCleanMixin, form_class):
            def clean(self):
                data = super().clean()
                if self.errors:
                    return data
                try:
                    # in the admin's transaction: a later failure undoes it
                    self.recorded = referral_record(actor=request.user, lead=data["lead"], referrer=data["referrer"])
                except DomainError as exc:
                    for field, message in (exc.fields or {}).items():
                        self.add_error(field if field in self.fields else None, message)
                    if not exc.fields:
                        self.add_error(None, exc.message)
                return data

        return form_class if change else RecordForm

    def save_model(self, request, obj, form, change):
        obj.pk = form.recorded.pk
