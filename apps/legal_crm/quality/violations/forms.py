"""Forms of the violations desk: recording by hand, the appeal, the decision, the checklist's rule and a pause."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDateWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
)

from legal_crm.core.dates import PAST_EVENT, PLANNED, PlausibleDateFormField
from legal_crm.core.forms import ParamsJsonMixin, ServiceForm
from legal_crm.core.models import User
from legal_crm.org.selectors import employee_list_visible_to

from . import selectors
from .kinds import kind_choices
from .models import ViolationPause, ViolationRule
from .services import rule_errors


class ViolationRecordForm(ServiceForm):
    offender = forms.ModelChoiceField(label=_("Сотрудник"), queryset=User.objects.none(),
                                      widget=UnfoldAdminSelectWidget)
    rule = forms.ModelChoiceField(label=_("Правило"), queryset=ViolationRule.objects.none(),
                                  widget=UnfoldAdminSelectWidget)
    day = PlausibleDateFormField(label=_("Дата нарушения"), kind=PAST_EVENT, widget=UnfoldAdminDateWidget)
    evidence_url = forms.URLField(label=_("Подтверждение (ссылка)"), required=False, max_length=500, assume_scheme="https",
                                  widget=UnfoldAdminURLInputWidget,
                                  help_text=_("Запись звонка, карточка, документ — где видно нарушение."))
    comment = forms.CharField(label=_("Комментарий"), required=False, widget=UnfoldAdminTextareaWidget)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = employee_list_visible_to(user).filter(user__is_active=True).values("user_id")
        self.fields["offender"].queryset = (User.objects.filter(pk__in=people).exclude(pk=user.pk)
                                            .order_by("last_name", "first_name"))
        self.fields["rule"].queryset = selectors.rules_for_recording()


class ViolationAppealForm(ServiceForm):
    text = forms.CharField(label=_("Почему вы не согласны"), widget=UnfoldAdminTextareaWidget)


class ViolationDecideForm(ServiceForm):
    DECISIONS = [("upheld", _("Оставить в силе")), ("cancelled", _("Отменить нарушение"))]

    decision = forms.ChoiceField(label=_("Решение"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Основание"), widget=UnfoldAdminTextareaWidget)


class ViolationRuleForm(ParamsJsonMixin, forms.ModelForm):
    kind = forms.ChoiceField(label=_("Что проверяется"), choices=kind_choices, widget=UnfoldAdminSelectWidget)
    params = forms.CharField(label=_("Параметры"), required=False, widget=UnfoldAdminTextInputWidget,
                             help_text=_("JSON, например {\"minutes\": 15}, {\"hours\": 2} или {\"days\": 10}."))

    class Meta:
        model = ViolationRule
        fields = ("name", "kind", "params", "is_active", "suspended_from", "suspended_until", "amount", "points",
                  "description")

    def clean(self):
        data = super().clean()
        probe = ViolationRule(kind=data.get("kind"), params=data.get("params"),
                              suspended_from=data.get("suspended_from"), suspended_until=data.get("suspended_until"))
        for field, message in rule_errors(probe).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data


class ViolationPauseForm(forms.ModelForm):
    starts_on = PlausibleDateFormField(label=_("С"), kind=PLANNED, widget=UnfoldAdminDateWidget)
    ends_on = PlausibleDateFormField(label=_("По"), kind=PLANNED, widget=UnfoldAdminDateWidget,
                                     help_text=_("Включительно."))

    class Meta:
        model = ViolationPause
        fields = ("starts_on", "ends_on", "reason")

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("Конец паузы раньше её начала."))
        return data
