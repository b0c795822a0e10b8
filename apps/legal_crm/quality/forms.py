from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDateWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.core.dates import PLANNED, PlausibleDateFormField
from legal_crm.core.forms import ServiceForm
from legal_crm.core.models import User
from legal_crm.org.selectors import employee_list_visible_to

from .models import Complaint
from .services import WORK_COMPLAINTS


def staff_users():
    return User.objects.filter(employee__isnull=False, is_active=True).order_by("last_name", "first_name")


class ComplaintFileForm(ServiceForm):
    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=UnfoldAdminTextInputWidget)
    source = forms.ChoiceField(label=_("Как поступила"), choices=Complaint.Source.choices,
                               widget=UnfoldAdminSelectWidget)
    complainant = forms.CharField(label=_("Кто жалуется"), max_length=300, required=False,
                                  widget=UnfoldAdminTextInputWidget, help_text=_("Пусто — клиент по договору."))
    about_employee = forms.ModelChoiceField(label=_("На кого жалоба"), queryset=User.objects.none(), required=False,
                                            widget=UnfoldAdminSelectWidget)
    text = forms.CharField(label=_("Суть жалобы"), widget=UnfoldAdminTextareaWidget)
    deadline = PlausibleDateFormField(label=_("Срок ответа"), kind=PLANNED, required=False,
                                      widget=UnfoldAdminDateWidget, help_text=_("Пусто — 10 дней."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = staff_users()
        if user is not None:  # the employees of the user's offices (the service also admits the contract's team)
            users = users.filter(employee__in=employee_list_visible_to(user))
        self.fields["about_employee"].queryset = users


class ComplaintAssignForm(ServiceForm):
    responsible = forms.ModelChoiceField(label=_("Ответственный"), queryset=User.objects.none(),
                                         widget=UnfoldAdminSelectWidget)

    def __init__(self, *args, office_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only those who can work complaints (open and close them): not operators, finance or HR.
        qs = staff_users().filter(pk__in=users_with_perm(WORK_COMPLAINTS).values("pk"))
        if office_id:
            qs = qs.filter(employee__offices=office_id).distinct()
        self.fields["responsible"].queryset = qs


class ComplaintCloseForm(ServiceForm):
    resolution = forms.CharField(label=_("Решение"), widget=UnfoldAdminTextareaWidget)
