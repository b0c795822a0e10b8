"""The confirmation form of the «Уволить» action on the employee list: the dismissal date, checked by the service's
own rule (org.services.dismissal_date_error)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminDateWidget

from .services import dismissal_date_error


class DismissalForm(forms.Form):
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
