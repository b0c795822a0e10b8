"""Desk forms of leads: the lead change form offers only the statuses the workflow allows."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from legal_crm.core.admin_base import fast_select
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import range_in_one_message
from legal_crm.core.models import User
from legal_crm.core.validators import normalize_phone
from legal_crm.marketing.models import AdSource
from legal_crm.org.models import Office
from legal_crm.org.selectors import office_ids_visible_to

from .models import Lead, LeadStatus
from .models.statuses import REENGAGE_DAYS_MAX, REENGAGE_DAYS_MIN


class LeadChangeForm(forms.ModelForm):
    """The lead's change form. LeadAdmin.get_form sets `user` (whose offices bound the choices) and, when a
    service refused the save, `service_error`, so the form comes back with the refusal on its fields."""

    user = None
    service_error: DomainError | None = None

    class Meta:
        model = Lead
        fields = ("name", "status", "refusal_reason", "office", "assigned_to", "service", "segment", "comment",
                  "tags", "consent_ads")

    status_comment = forms.CharField(label=_("Комментарий к смене статуса"), required=False, max_length=500,
                                     widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.instance
        if lead.pk and "status" in self.fields:
            from .services import allowed_next_statuses

            allowed = [s.pk for s in allowed_next_statuses(lead)] + [lead.status_id]
            self.fields["status"].queryset = LeadStatus.objects.filter(pk__in=allowed).order_by("order")
        office_ids = office_ids_visible_to(self.user) if self.user is not None else None
        if "office" in self.fields:
            offices = Office.objects.all()
            if office_ids is not None:
                # The lead's own office stays, so saving other fields never trips on it.
                offices = offices.filter(Q(pk__in=office_ids) | Q(pk=lead.office_id))
            self.fields["office"].queryset = offices.order_by("name")
        if "assigned_to" in self.fields:
            from .services.distribution import lead_taker_ids

            takers = lead_taker_ids(office_ids, also=[lead.assigned_to_id])
            self.fields["assigned_to"].queryset = User.objects.filter(pk__in=sorted(takers)).order_by(
                "last_name", "first_name")

    def clean(self):
        cleaned = super().clean()
        error = self.service_error
        if error is not None:
            on_fields = [name for name in error.fields if name in self.fields]
            for name in on_fields:
                hint = error.fields[name]
                # The hint only when it adds something («… укажите причину отказа.» needs no «Укажите причину отказа.»).
                said = hint.strip().rstrip(".").lower() in error.message.lower()
                self.add_error(name, error.message if said else f"{error.message} {hint}")
            if not on_fields:
                self.add_error(None, error.message)
        return cleaned


class LeadAddForm(forms.ModelForm):
    """A lead taken by hand (a walk-in, a call): goes through the same intake as the API."""

    # Labels with a capital letter and unfold's select with its empty label, as admin gives the model's fields of
    # every desk form (the two were lowercase browser selects with «---------»).
    source = forms.ModelChoiceField(label=_("Источник"), queryset=AdSource.objects.filter(is_active=True),
                                    required=False, widget=UnfoldAdminSelectWidget,
                                    empty_label=_("Select value"))  # unfold's msgid: «Выберите значение»
    lead_type = forms.ChoiceField(label=_("Тип"), required=False, widget=UnfoldAdminSelectWidget)

    class Meta:
        model = Lead
        fields = ("phone", "name", "comment", "consent_personal_data", "consent_ads")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import LeadType

        self.fields["lead_type"].choices = [("", _("По источнику"))] + [
            (t.code, t.name) for t in LeadType.objects.filter(is_active=True).order_by("order")]
        for name in ("source", "lead_type"):
            fast_select(self.fields[name])

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


class LeadStatusForm(forms.ModelForm):
    """A status's desk form: «вернуть в работу через, дней» is refused with the model's one message (1 to 3650
    days), not Django's «больше либо равно 0» for a negative number; the browser's box says the same range."""

    class Meta:
        model = LeadStatus
        fields = ("code", "name", "order", "color", "is_initial", "is_open", "is_refusal", "needs_reason",
                  "reengage_after_days", "reengage_status", "is_final", "is_spam", "is_converted", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        range_in_one_message(self, "reengage_after_days", REENGAGE_DAYS_MIN, REENGAGE_DAYS_MAX)  # REENGAGE_DAYS_ERROR
