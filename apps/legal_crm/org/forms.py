from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectMultipleWidget, UnfoldAdminTextInputWidget

from .models import Employee


class EmployeeForm(forms.ModelForm):
    """The employee page: profile, plus access (groups and personal settings) for administrators."""

    groups = forms.ModelMultipleChoiceField(Group.objects.all(), required=False, label=_("группы доступа"),
                                            widget=UnfoldAdminSelectMultipleWidget)

    class Meta:
        model = Employee
        fields = ("position", "main_office", "offices", "phone", "extension", "hired_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            self.fields["groups"].initial = list(user.groups.all())


class EmployeeAddForm(EmployeeForm):
    username = forms.CharField(label=_("логин"), max_length=150, widget=UnfoldAdminTextInputWidget)
    last_name = forms.CharField(label=_("фамилия"), max_length=150, widget=UnfoldAdminTextInputWidget)
    first_name = forms.CharField(label=_("имя"), max_length=150, widget=UnfoldAdminTextInputWidget)
    email = forms.EmailField(label=_("e-mail"), required=False, widget=UnfoldAdminTextInputWidget)
    password = forms.CharField(label=_("пароль"), required=False, widget=forms.PasswordInput(
        attrs={"class": "border rounded-default px-3 py-2 w-full"}),
        help_text=_("Пусто — вход по паролю закрыт, пока его не зададут."))
