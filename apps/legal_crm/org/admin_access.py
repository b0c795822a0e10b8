"""The employee's access matrix page: groups and personal settings, each right inherit / grant / revoke with its
effective result and where it comes from. Only administrators open or save it; saving goes through the access
services (which check the actor again, write the audit log and drop the cached permissions)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.decorators import display

from legal_crm.core import access
from legal_crm.core.access_matrix import GRANT, INHERIT, REVOKE, matrix_permissions, person_matrix
from legal_crm.core.errors import DomainError
from legal_crm.core.forms import InvalidInput, errors_text, valid_data

_SETTING_VALUES = {INHERIT: None, GRANT: True, REVOKE: False}


class AccessMatrixForm(forms.Form):
    """The matrix page's POST: a setting (inherit / grant / revoke) per right shown as `perm_<id>`, and the groups
    when the page showed them (`groups_shown`). Cells not posted are left alone."""

    groups_shown = forms.BooleanField(required=False)
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.all(), required=False,
        error_messages={"invalid_choice": gettext_lazy("Выберите группы из списка."),
                        "invalid_pk_value": gettext_lazy("Выберите группы из списка.")})

    def __init__(self, data, *, permissions):
        super().__init__(data)
        self.permissions = {f"perm_{perm.pk}": perm for perm in permissions}
        for name in self.permissions:
            if name in data:  # only the posted cells: the rest keep their setting
                self.fields[name] = forms.ChoiceField(choices=[(v, v) for v in _SETTING_VALUES], error_messages={
                    "required": gettext_lazy("Неизвестная настройка права."),
                    "invalid_choice": gettext_lazy("Неизвестная настройка права.")})

    def changes(self, current: dict[int, bool]) -> dict:
        """{Permission: True/False/None} for the posted cells whose setting differs from the current one."""
        changes = {}
        for name, perm in self.permissions.items():
            if name in self.cleaned_data:
                wanted = _SETTING_VALUES[self.cleaned_data[name]]
                if current.get(perm.pk) is not wanted:
                    changes[perm] = wanted
        return changes


class EmployeeAccessMixin:
    """Mixed into EmployeeAdmin: the «Доступ» page at <employee>/access/."""

    def get_urls(self):
        return [
            path("<path:object_id>/access/", self.admin_site.admin_view(self.access_view),
                 name="org_employee_access"),
            *super().get_urls(),
        ]

    @display(description=gettext_lazy("Права"))
    def access_matrix(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a class="text-primary-600 font-semibold access-matrix-link" href="{}">{}</a>',
                           reverse("admin:org_employee_access", args=[obj.pk]),
                           _("Открыть матрицу доступа: группы, выданные и отозванные права"))

    def access_view(self, request, object_id):
        if not access.is_administrator(request.user):
            raise PermissionDenied
        employee = self.get_queryset(request).select_related("user").filter(pk=object_id).first()
        if employee is None:
            raise Http404
        user = employee.user
        if request.method == "POST":
            from legal_crm.core.models import PermissionOverride

            current = dict(PermissionOverride.objects.filter(user=user).values_list("permission_id", "granted"))
            form = AccessMatrixForm(request.POST, permissions=matrix_permissions())
            try:
                data = valid_data(form)
                if data["groups_shown"]:
                    access.user_groups_set(actor=request.user, user=user, groups=list(data["groups"]))
                access.permission_overrides_apply(actor=request.user, user=user, changes=form.changes(current))
            except InvalidInput as exc:
                messages.error(request, errors_text(exc.form))
            except DomainError as exc:
                if exc.code == "access_denied":
                    raise PermissionDenied(exc.message) from exc
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Доступ сохранён."))
                return redirect("admin:org_employee_access", employee.pk)
        user_groups = set(user.groups.values_list("pk", flat=True))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Доступ: %(name)s") % {"name": employee},
            "employee": employee,
            "subject": user,
            "sections": person_matrix(user),
            "groups": [(g, g.pk in user_groups) for g in Group.objects.order_by("name")],
            "choices": [(INHERIT, _("как в группах")), (GRANT, _("выдать")), (REVOKE, _("отозвать"))],
            "opts": self.model._meta,
            "original": employee,
        }
        return TemplateResponse(request, "org/access_matrix.html", context)
