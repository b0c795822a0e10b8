from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminEmailInputWidget,
    UnfoldAdminSelectMultipleWidget,
    UnfoldAdminTextInputWidget,
)

from legal_crm.core.errors import DomainError
from legal_crm.core.forms import place_domain_error, range_in_one_message

from .models import HEADCOUNT_MAX, HEADCOUNT_MIN, Employee, StaffingPlan
from .services import EMPLOYEE_ACCOUNT_FIELDS, employee_account_check, employee_username_check

# The work fields of the employee page that always post a value (a text box, a select), so that a missing one was
# not on the page.
PROFILE_SINGLE_FIELDS = ("position", "main_office", "phone", "extension", "hired_on")


class EmployeeForm(forms.ModelForm):
    """The employee page: profile, plus access (groups and personal settings) for administrators."""

    groups = forms.ModelMultipleChoiceField(Group.objects.all(), required=False, label=_("Группы доступа"),
                                            widget=UnfoldAdminSelectMultipleWidget)

    class Meta:
        model = Employee
        fields = ("position", "main_office", "offices", "phone", "extension", "hired_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offices_posted = True
        main_office = self.fields.get("main_office")
        if main_office is not None and (not self.instance.pk or self.instance.main_office_id):
            # An employee without a main office is in no office-scoped list nor in the staffing plan's count: one is
            # required on hire and, once set, can be changed but not cleared (the services refuse too).
            main_office.required = True
            main_office.error_messages["required"] = _("Укажите основной офис.")
        if self.instance.pk:
            user = self.instance.user
            self.fields["groups"].initial = list(user.groups.all())
            if self.is_bound:
                self._keep_what_was_not_posted()

    def _keep_what_was_not_posted(self) -> None:
        """A post without some work fields (a page from before they were shown, a script posting the names only)
        leaves them as they are, as EmployeeAccountForm does for the names: a post with the names and e-mail alone
        cleared the position, the main office, the offices and the hiring date. A field posted empty is a change.
        The offices' list posts nothing when none is chosen, so it is kept only when the main office (always
        posted by the page) is missing too (offices_posted, read by the admin's save)."""
        for name in PROFILE_SINGLE_FIELDS:
            field = self.fields.get(name)
            if field is not None and name not in self.data:
                field.disabled, field.required = True, False  # its value is the initial one: the employee's own
        self.offices_posted = "offices" in self.data or "main_office" in self.data


class AccountFieldsMixin(forms.Form):
    """The account's names and e-mail (they live on the user, not on the employee), checked by the services' own
    rule (org.services.employee_account_check): a refusal is shown on its field, not as a server error."""

    last_name = forms.CharField(label=_("Фамилия"), max_length=150, widget=UnfoldAdminTextInputWidget)
    first_name = forms.CharField(label=_("Имя"), max_length=150, widget=UnfoldAdminTextInputWidget)
    middle_name = forms.CharField(label=_("Отчество"), max_length=150, required=False,
                                  widget=UnfoldAdminTextInputWidget)
    email = forms.EmailField(label=_("E-mail"), required=False, widget=UnfoldAdminEmailInputWidget)

    def account_user(self):
        """The account being changed (None on the hire form)."""
        return None

    def clean(self):
        data = super().clean()
        shown = [name for name in EMPLOYEE_ACCOUNT_FIELDS if not self.fields[name].disabled]
        if not shown or any(name in self.errors for name in shown):
            return data
        user = self.account_user()
        values = {name: (data.get(name) or "") if name in shown else getattr(user, name, "")
                  for name in EMPLOYEE_ACCOUNT_FIELDS}
        try:
            checked = employee_account_check(user=user, **values)
        except DomainError as exc:
            place_domain_error(self, exc)
        else:
            data.update({name: checked[name] for name in shown})
        return data


class EmployeeAccountForm(AccountFieldsMixin, EmployeeForm):
    """The employee page for who may change the employee's names and e-mail (services.employee_editable_by)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            user = self.instance.user
            for name in EMPLOYEE_ACCOUNT_FIELDS:
                self.fields[name].initial = getattr(user, name)
        if self.is_bound:
            # A post without these fields (a page from before they were shown, a script posting the profile only)
            # leaves the name and e-mail as they are; a field posted empty is checked and refused.
            for name in EMPLOYEE_ACCOUNT_FIELDS:
                if name not in self.data:
                    field = self.fields[name]
                    field.disabled, field.required = True, False  # its value is the initial one: the account's own

    def account_user(self):
        return self.instance.user if self.instance.pk else None


class EmployeeAddForm(AccountFieldsMixin, EmployeeForm):
    username = forms.CharField(label=_("Логин"), max_length=150, widget=UnfoldAdminTextInputWidget)
    password = forms.CharField(label=_("Пароль"), required=False, widget=forms.PasswordInput(
        attrs={"class": "border rounded-default px-3 py-2 w-full"}),
        help_text=_("Пусто — вход по паролю закрыт, пока его не зададут."))

    def clean_username(self):
        try:
            return employee_username_check(self.cleaned_data["username"])
        except DomainError as exc:
            raise forms.ValidationError(exc.fields.get("username", exc.message)) from None


class StaffingPlanForm(forms.ModelForm):
    """A row of the staffing plan (its own page and the office page's table): the number of staff units is refused
    with the model's one message (1 to 10 000), not Django's «больше либо равно 0» for a negative one; the browser's
    box says the same range."""

    class Meta:
        model = StaffingPlan
        fields = ("office", "position", "headcount")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        range_in_one_message(self, "headcount", HEADCOUNT_MIN, HEADCOUNT_MAX)  # HEADCOUNT_ERROR
