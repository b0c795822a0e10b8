"""The forms of the lead card's POSTs: each action's input parsed and checked by a Django form (Russian errors),
so the view only dispatches and calls the service."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from legal_crm.core.forms import CleanTextMixin
from legal_crm.directory.models import Service

from ..models import LeadStatus, PlannedCall, RefusalReason, Script

ACTIONS = ("status", "call", "call_done", "answers", "enroll")


def _choice(queryset, message, *, required=True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=queryset, required=required,
                                  error_messages={"required": message, "invalid_choice": message})


def _comment() -> forms.CharField:
    return forms.CharField(required=False, max_length=500)


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS],
                               error_messages={"required": _("Неизвестное действие."),
                                               "invalid_choice": _("Неизвестное действие.")})


class StatusForm(CleanTextMixin, forms.Form):
    status = _choice(LeadStatus.objects.all(), _("Выберите статус."))
    reason = _choice(RefusalReason.objects.filter(is_active=True), _("Выберите причину отказа из списка."),
                     required=False)
    comment = _comment()


class CallForm(CleanTextMixin, forms.Form):
    """The date and time are the office's local ones (the card says which time zone): `tz` makes them a moment."""

    due_date = forms.DateField(error_messages={"required": _("Укажите дату и время звонка."),
                                               "invalid": _("Укажите дату и время звонка.")})
    due_time = forms.TimeField(error_messages={"required": _("Укажите дату и время звонка."),
                                               "invalid": _("Укажите дату и время звонка.")})
    comment = _comment()

    def __init__(self, *args, tz, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz

    def due_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return datetime.datetime.combine(data["due_date"], data["due_time"], tzinfo=self.tz)


class CallDoneForm(CleanTextMixin, forms.Form):
    call = _choice(PlannedCall.objects.none(), _("Звонок не найден."))
    result = forms.ChoiceField(choices=PlannedCall.Result.choices,
                               error_messages={"required": _("Выберите результат звонка."),
                                               "invalid_choice": _("Выберите результат звонка.")})
    comment = _comment()

    def __init__(self, *args, lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = PlannedCall.objects.filter(lead=lead)


class EnrollForm(forms.Form):
    script = _choice(Script.objects.filter(is_active=True), _("Выберите скрипт."))


class AnswersForm(forms.Form):
    """The questionnaire without JavaScript: the chosen service and every `q<question id>` field. The answers are
    checked by the service (lead_answers_save), which names the wrong ones."""

    service = _choice(Service.objects.all(), _("Выберите услугу."), required=False)

    QUESTION = re.compile(r"^q(\d+)$")

    def answers(self) -> dict[str, str]:
        """Question id → the typed value, for every question field in the POST."""
        found = {}
        for key in self.data:
            match = self.QUESTION.match(key)
            if match:
                found[match.group(1)] = self.data.get(key, "")
        return found
