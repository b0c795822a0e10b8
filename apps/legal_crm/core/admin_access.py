"""The group page's access matrix: each right of the product a checkbox in its row (section → record) and
column (view / add / change / delete / named actions). Technical models' permissions are not offered and a
group keeps the ones it has (core.access.group_permissions_set_within)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

from .access_matrix import ACTIONS, build_matrix, matrix_permissions


class AccessMatrixWidget(forms.CheckboxSelectMultiple):
    template_name = "core/access_matrix_widget.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        sections = build_matrix()

        def cell(c):
            return None if c is None else {"cell": c, "checked": str(c.permission.pk) in chosen}

        context["matrix"] = {
            "name": name,
            "disabled": bool(self.attrs.get("disabled")),
            "actions": [str(title) for _a, title in ACTIONS],
            "sections": [{"title": s.title, "rows": [
                {"row": r, "actions": [cell(c) for c in r.actions], "special": [cell(c) for c in r.special]}
                for r in s.rows]} for s in sections],
        }
        return context

    def format_value(self, value):
        if value is None:
            return []
        return [str(getattr(v, "pk", v)) for v in value]


class GroupForm(forms.ModelForm):
    permissions = forms.ModelMultipleChoiceField(
        Permission.objects.none(), required=False, label=_("права"), widget=AccessMatrixWidget,
    )

    class Meta:
        model = Group
        fields = ("name", "permissions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix_permissions = matrix_permissions()
        self.fields["permissions"].queryset = Permission.objects.filter(
            pk__in=[p.pk for p in self.matrix_permissions]).select_related("content_type")
