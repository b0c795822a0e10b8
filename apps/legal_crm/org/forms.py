from django import forms
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectMultipleWidget, UnfoldAdminTextInputWidget

from legal_crm.core.models import PermissionOverride

from .models import Employee


def _perm_choices():
    return Permission.objects.select_related("content_type").order_by("content_type__app_label", "codename")


class EmployeeForm(forms.ModelForm):
    """The employee page: profile, plus access (groups and personal settings) for administrators."""

    groups = forms.ModelMultipleChoiceField(Group.objects.all(), required=False, label=_("группы доступа"),
                                            widget=UnfoldAdminSelectMultipleWidget)
    personal_grants = forms.ModelMultipleChoiceField(
        _perm_choices(), required=False, label=_("лично выданные права"),
        help_text=_("Действуют, даже если группы их не дают."),
        widget=UnfoldAdminSelectMultipleWidget(attrs={"size": 8}),
    )
    personal_revokes = forms.ModelMultipleChoiceField(
        _perm_choices(), required=False, label=_("лично отозванные права"),
        help_text=_("Не действуют, даже если их даёт группа."),
        widget=UnfoldAdminSelectMultipleWidget(attrs={"size": 8}),
    )

    class Meta:
        model = Employee
        fields = ("position", "main_office", "offices", "phone", "extension", "hired_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.fields["groups"].initial = list(user.groups.all())
            rows = PermissionOverride.objects.filter(user=user)
            self.fields["personal_grants"].initial = [r.permission_id for r in rows if r.granted]
            self.fields["personal_revokes"].initial = [r.permission_id for r in rows if not r.granted]

    def clean(self):
        data = super().clean()
        both = set(data.get("personal_grants") or []) & set(data.get("personal_revokes") or [])
        if both:
            self.add_error("personal_revokes", _("Право не может быть одновременно выдано и отозвано."))
        return data


class EmployeeAddForm(EmployeeForm):
    username = forms.CharField(label=_("логин"), max_length=150, widget=UnfoldAdminTextInputWidget)
    last_name = forms.CharField(label=_("фамилия"), max_length=150, widget=UnfoldAdminTextInputWidget)
    first_name = forms.CharField(label=_("имя"), max_length=150, widget=UnfoldAdminTextInputWidget)
    email = forms.EmailField(label=_("e-mail"), required=False, widget=UnfoldAdminTextInputWidget)
    password = forms.CharField(label=_("пароль"), required=False, widget=forms.PasswordInput(
        attrs={"class": "border rounded-default px-3 py-2 w-full"}),
        help_text=_("Пусто — вход по паролю закрыт, пока его не зададут."))
