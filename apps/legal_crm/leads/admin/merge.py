"""Merging duplicate client cards from the counterparty list (the merge itself is leads.services.clients_merge),
and the read-only log of merges.

The leads module extends the directory's counterparty admin with the action: directory is the lower module
and does not know about leads (DESIGN.md, module order)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import action

from legal_crm.core.admin_base import DeskAdmin
from legal_crm.core.forms import errors_text
from legal_crm.directory.admin import CounterpartyAdmin
from legal_crm.directory.models import Counterparty
from legal_crm.leads import perms

from .. import services
from ..models import ClientMerge


class MergeConfirmForm(forms.Form):
    """The confirmation page's answer: which of the two marked records stays."""

    confirm = forms.BooleanField(required=False)
    survivor = forms.TypedChoiceField(coerce=int, error_messages={
        "required": gettext_lazy("Выберите запись, которая останется."),
        "invalid_choice": gettext_lazy("Выберите запись, которая останется.")})

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {r.pk: r for r in records}
        self.fields["survivor"].choices = [(pk, str(r)) for pk, r in self.records.items()]

    def is_confirmed(self) -> bool:
        # The action's first POST (the list's checkboxes) has no "confirm": it asks for the choice.
        return self["confirm"].field.clean(self["confirm"].data)

    def clean_survivor(self):
        return self.records[self.cleaned_data["survivor"]]


class ClientCounterpartyAdmin(CounterpartyAdmin):
    actions = (*(CounterpartyAdmin.actions or ()), "merge_duplicates")

    @action(description=gettext_lazy("Объединить дубли"), permissions=["merge"])
    def merge_duplicates(self, request, queryset):
        records = list(queryset[:3])
        if len(records) != 2:
            self.message_user(request, _("Отметьте ровно две записи одного человека."), level=messages.WARNING)
            return None
        form = MergeConfirmForm(request.POST, records=records)
        if form.is_confirmed():
            if not form.is_valid():
                self.message_user(request, errors_text(form), level=messages.WARNING)
                return None
            survivor = form.cleaned_data["survivor"]
            duplicate = next(r for r in records if r.pk != survivor.pk)
            self.run_service(request, services.clients_merge, actor=request.user, survivor=survivor,
                             duplicate=duplicate,
                             success=_("Записи объединены: осталась «%(name)s».") % {"name": survivor.name})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Объединение дублей"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "records": [{"obj": r, "leads": r.leads.count()} for r in records],
        }
        return TemplateResponse(request, "leads/merge_confirm.html", context)

    def has_merge_permission(self, request):
        return request.user.has_perm(perms.MERGE_CLIENTS)


admin.site.unregister(Counterparty)
admin.site.register(Counterparty, ClientCounterpartyAdmin)


@admin.register(ClientMerge)
class ClientMergeAdmin(DeskAdmin):
    list_display = ("at", "survivor", "merged_id", "actor")
    readonly_fields = ("at", "survivor", "merged_id", "merged_snapshot", "moved_lead_ids", "actor")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
