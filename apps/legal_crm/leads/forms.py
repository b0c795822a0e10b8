"""Desk forms of leads: the lead change form offers only the statuses the workflow allows."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from legal_crm.core.validators import normalize_phone
from legal_crm.marketing.models import AdSource

from .models import Lead, LeadStatus


class LeadChangeForm(forms.ModelForm):
    class Meta:
        model = Lead
        fields = ("name", "status", "refusal_reason", "office", "assigned_to", "service", "segment", "comment",
                  "tags", "consent_ads")

    status_comment = forms.CharField(label=_("комментарий к смене статуса"), required=False, max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.instance
        if lead.pk and "status" in self.fields:
            from .services import allowed_next_statuses

            allowed = [s.pk for s in allowed_next_statuses(lead)] + [lead.status_id]
            self.fields["status"].queryset = LeadStatus.objects.filter(pk__in=allowed).order_by("order")
        if "assigned_to" in self.fields:
            from .services.distribution import lead_takers

            self.fields["assigned_to"].queryset = lead_takers().order_by("last_name", "first_name")


class LeadAddForm(forms.ModelForm):
    """A lead taken by hand (a walk-in, a call): goes through the same intake as the API."""

    source = forms.ModelChoiceField(label=_("источник"), queryset=AdSource.objects.filter(is_active=True),
                                    required=False)
    lead_type = forms.ChoiceField(label=_("тип"), required=False)

    class Meta:
        model = Lead
        fields = ("phone", "name", "comment", "consent_personal_data", "consent_ads")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import LeadType

        self.fields["lead_type"].choices = [("", _("по источнику"))] + [
            (t.code, t.name) for t in LeadType.objects.filter(is_active=True).order_by("order")]

    def clean_phone(self):
        value = self.cleaned_data.get("phone") or ""
        phone = normalize_phone(value)
        if phone is None:
            raise forms.ValidationError(_("Телефон указан неверно: нужен номер вида +7 916 123-45-67."),
                                        code="invalid_phone")
        return phone

    def _post_clean(self):
        # The intake service builds the lead; the form only checks what was typed.
        pass
