"""The confirmation form of the «Уволить» action on the employee list: the dismissal date, checked by the service's
own rule (org.services.dismissal_date_error); and the comment of signing an offboarding item."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminDateWidget

from .services import dismissal_date_error


class DismissalForm(forms.Form):
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    dismissal_date = forms.DateField(
        label=_("Дата увольнения"), initial=lambda: timezone.localdate(), widget=UnfoldAdminDateWidget,
        help_text=_("Последний рабочий день. Сегодня или раньше — учётная запись блокируется сразу; "
                    "позже — в этот день."))

    def clean_dismissal_date(self):
        value = self.cleaned_data["dismissal_date"]
        error = dismissal_date_error(value)
        if error:
            raise forms.ValidationError(error)
        return value

    @classmethod
    def for_action(cls, post) -> DismissalForm:
        """The action's first POST (the list's checkboxes) shows the form; the confirmation page's POST fills it."""
        asked = cls(post)
        confirmed = asked.fields["confirm"].clean(asked["confirm"].data)
        return asked if confirmed else cls()


class OffboardingSignForm(forms.Form):
    comment = forms.CharField(required=False, max_length=300)
