from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDateWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from legal_crm.core.dates import PLANNED, PlausibleDateFormField
from legal_crm.core.forms import ParamsJsonMixin, ServiceForm
from legal_crm.core.models import User
from legal_crm.org.models import Employee
from legal_crm.org.selectors import office_list_visible_to

from .models import TaskKind, TaskRule
from .services.rules import rule_errors
from .triggers import TRIGGERS, trigger_choices

GONE = (Employee.Status.BLOCKED, Employee.Status.DISMISSED)


def office_staff(office_ids):
    """Working employees of these offices (None: of any office)."""
    qs = User.objects.filter(employee__isnull=False, is_active=True).exclude(employee__status__in=GONE)
    if office_ids is not None:
        qs = qs.filter(employee__offices__in=list(office_ids))
    return qs.distinct().order_by("last_name", "first_name")


class TaskForm(ServiceForm):
    title = forms.CharField(label=_("Задача"), max_length=200, widget=UnfoldAdminTextInputWidget)
    kind = forms.ChoiceField(label=_("Тип"), choices=TaskKind.choices, initial=TaskKind.OTHER,
                             widget=UnfoldAdminSelectWidget)
    office = forms.ModelChoiceField(label=_("Офис"), queryset=None, widget=UnfoldAdminSelectWidget)
    assignee = forms.ModelChoiceField(label=_("Исполнитель"), queryset=None, required=False,
                                      widget=UnfoldAdminSelectWidget, help_text=_("Пусто — в очередь офиса."))
    due_on = PlausibleDateFormField(label=_("Срок"), kind=PLANNED, widget=UnfoldAdminDateWidget)
    deadline_on = PlausibleDateFormField(label=_("Крайний срок"), kind=PLANNED, required=False,
                                         widget=UnfoldAdminDateWidget, help_text=_("Позже него срок не переносится."))
    complexity = forms.IntegerField(label=_("Сложность (1–5)"), min_value=1, max_value=5, initial=1,
                                    widget=UnfoldAdminIntegerFieldWidget)
    purpose = forms.CharField(label=_("Цель"), max_length=300, required=False, widget=UnfoldAdminTextInputWidget)
    description = forms.CharField(label=_("Описание"), required=False, widget=UnfoldAdminTextareaWidget)
    checklist = forms.CharField(label=_("Чек-лист"), required=False, widget=UnfoldAdminTextareaWidget,
                                help_text=_("Пункт на строку."))
    record_type = forms.CharField(required=False, widget=forms.HiddenInput)
    record_id = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, edit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from legal_crm.org.selectors import office_ids_visible_to

        self.fields["office"].queryset = office_list_visible_to(user)
        self.fields["assignee"].queryset = office_staff(office_ids_visible_to(user))
        if edit:
            for name in ("office", "assignee", "due_on", "checklist", "record_type", "record_id"):
                del self.fields[name]


class PostponeForm(ServiceForm):
    to_on = PlausibleDateFormField(label=_("Новый срок"), kind=PLANNED, widget=UnfoldAdminDateWidget)
    reason = forms.CharField(label=_("Причина"), widget=UnfoldAdminTextareaWidget)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Причина отмены"), widget=UnfoldAdminTextareaWidget)


class DoneForm(ServiceForm):
    note = forms.CharField(label=_("Что сделано"), required=False, widget=UnfoldAdminTextareaWidget)


class CommentForm(ServiceForm):
    text = forms.CharField(label=_("Комментарий"), widget=UnfoldAdminTextareaWidget)


class ChecklistForm(ServiceForm):
    done = forms.MultipleChoiceField(label=_("Сделано"), required=False, widget=UnfoldAdminCheckboxSelectMultipleWidget)
    text = forms.CharField(label=_("Новый пункт"), max_length=300, required=False, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done"].choices = [(str(item.pk), item.text) for item in items]
        self.fields["done"].initial = [str(item.pk) for item in items if item.is_done]


class ReassignForm(ServiceForm):
    assignee = forms.ModelChoiceField(label=_("Новый исполнитель"), queryset=None, required=False,
                                      widget=UnfoldAdminSelectWidget, help_text=_("Пусто — в очередь офиса."))

    def __init__(self, *args, office_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = office_staff(office_ids)


def _roles():
    seen = {}
    for trigger in TRIGGERS.values():
        seen.update(trigger.roles)
    return [("", "—"), *seen.items()]


class TaskRuleForm(ParamsJsonMixin, forms.ModelForm):
    trigger = forms.ChoiceField(label=_("Событие или условие"), choices=trigger_choices,
                                widget=UnfoldAdminSelectWidget)
    role = forms.ChoiceField(label=_("Роль в записи"), choices=_roles, required=False, widget=UnfoldAdminSelectWidget)
    params = forms.CharField(label=_("Параметры"), required=False, widget=UnfoldAdminTextInputWidget,
                             help_text=_("JSON, например {\"days\": 5} или {\"stage\": \"Подача заявления\"}."))

    class Meta:
        model = TaskRule
        fields = ("name", "is_active", "trigger", "params", "kind", "title", "description", "complexity", "days",
                  "deadline_days", "assign_by", "role", "position")

    def clean(self):
        data = super().clean()
        probe = TaskRule(**{name: data.get(name) for name in ("trigger", "params", "assign_by", "role")},
                         position=data.get("position"))
        for field, message in rule_errors(probe).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data
