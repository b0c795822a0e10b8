"""The forms of the contract card's and the termination page's POSTs: ids, dates, choices and flags are parsed and
checked here (Russian errors, never a 404 or a 500 for a typo); money stays text for the services' one money parser
(core.money), which names what is wrong with an amount."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.directory.models import Counterparty, FinancialManager

from .models import (
    ActionType,
    BankruptcyCase,
    ContractAction,
    ContractDocument,
    ContractStage,
    Creditor,
    DocumentGroup,
    DocumentType,
    PropertyItem,
)

TAB_CODES = ("general", "stages", "actions", "documents", "money", "history")


def _choice(queryset, message, *, required=True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=queryset, required=required,
                                  error_messages={"required": message, "invalid_choice": message})


def _text() -> forms.CharField:
    return forms.CharField(required=False, strip=False)  # the services clean and trim what people typed


def _amount() -> forms.CharField:
    return forms.CharField(required=False)  # parsed by the service (core.money): its message names the mistake


class CardDateField(forms.DateField):
    """A date as the card's date inputs send it (2026-11-27) or as people type it (27.11.2026)."""

    input_formats = ("%Y-%m-%d", "%d.%m.%Y")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(_("Дата «%(v)s» не распознана: введите её как 27.11.2026.") % {"v": value},
                                  code="invalid") from None


class ChoiceOrDefault(forms.ChoiceField):
    """A choice that an empty or missing value leaves at its default."""

    def __init__(self, *, default, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.default = default

    def clean(self, value):
        return super().clean(value) or self.default


class TabForm(forms.Form):
    tab = forms.ChoiceField(choices=[(c, c) for c in TAB_CODES], required=False)


class SignForm(forms.Form):
    signed_on = CardDateField()


class LawyersForm(forms.Form):
    lawyers = forms.ModelMultipleChoiceField(
        queryset=None, required=False,
        error_messages={"invalid_choice": gettext_lazy("Выберите юристов офиса договора из списка."),
                        "invalid_pk_value": gettext_lazy("Выберите юристов офиса договора из списка.")})

    def __init__(self, *args, lawyers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyers"].queryset = lawyers


class GeneralForm(forms.Form):
    essence = _text()
    planned_actions = _text()
    client_expectations = _text()
    expected_start_on = CardDateField()
    expected_end_on = CardDateField()

    def __init__(self, *args, service_fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_codes = [f.code for f in service_fields]
        for code in self.custom_codes:
            self.fields[f"cf_{code}"] = _text()

    def custom_fields(self) -> dict[str, str] | None:
        """The service's own fields (code → typed value), None when the service has none."""
        return {code: self.cleaned_data[f"cf_{code}"] for code in self.custom_codes} or None


class BankruptcyForm(forms.Form):
    route = ChoiceOrDefault(choices=BankruptcyCase.Route.choices, default=BankruptcyCase.Route.JUDICIAL,
                            error_messages={"invalid_choice": gettext_lazy("Выберите процедуру из списка.")})
    court = _choice(Counterparty.objects.filter(role=Counterparty.Role.COURT), gettext_lazy("Выберите суд из списка."),
                    required=False)
    case_number = _text()
    financial_manager = _choice(FinancialManager.objects.select_related("sro"),
                                gettext_lazy("Выберите финансового управляющего из списка."), required=False)
    court_deposit = _amount()
    monthly_income = _amount()
    income_note = _text()
    filed_on = CardDateField()
    hearing_on = CardDateField()


class CreditorForm(forms.Form):
    counterparty = _choice(Counterparty.objects.all(), gettext_lazy("Выберите кредитора из справочника."))
    debt_amount = _amount()
    basis = _text()
    kind = ChoiceOrDefault(choices=Creditor.Kind.choices, default=Creditor.Kind.OTHER,
                           error_messages={"invalid_choice": gettext_lazy("Выберите вид долга из списка.")})


class DebtForm(forms.Form):
    """One debt of the contract's creditors (the service checks it is this contract's)."""

    debt = forms.IntegerField(min_value=1, error_messages={
        "required": gettext_lazy("Такого долга в этом договоре нет."),
        "invalid": gettext_lazy("Такого долга в этом договоре нет."),
        "min_value": gettext_lazy("Такого долга в этом договоре нет.")})


class CreditorUpdateForm(DebtForm):
    debt_amount = _amount()
    basis = _text()
    kind = ChoiceOrDefault(choices=Creditor.Kind.choices, default=Creditor.Kind.OTHER,
                           error_messages={"invalid_choice": gettext_lazy("Выберите вид долга из списка.")})


class PropertyForm(forms.Form):
    kind = ChoiceOrDefault(choices=PropertyItem.Kind.choices, default=PropertyItem.Kind.OTHER,
                           error_messages={"invalid_choice": gettext_lazy("Выберите вид имущества из списка.")})
    description = _text()
    value = _amount()
    is_sole_residence = forms.BooleanField(required=False)
    is_pledged = forms.BooleanField(required=False)


class StageForm(forms.Form):
    stage = _choice(ContractStage.objects.none(), gettext_lazy("Этап не найден в этом договоре."))

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = ContractStage.objects.filter(contract=contract).select_related("contract")


class StageFinishForm(StageForm):
    skip = forms.BooleanField(required=False)
    note = _text()


class ExpenseForm(StageForm):
    title = _text()
    amount = _amount()
    spent_on = CardDateField()


class ExtraWorkForm(StageForm):
    description = _text()
    amount = _amount()


class ActionForm(forms.Form):
    action_type = _choice(ActionType.objects.all(), gettext_lazy("Выберите тип действия из списка."))
    text = _text()
    happened_on = CardDateField()
    publish = forms.ChoiceField(choices=[("1", "1"), ("0", "0")], required=False)

    def publish_choice(self) -> bool | None:
        """Publish to the client (True/False), or None when the form did not say: the action type decides."""
        return None if "publish" not in self.data else self.cleaned_data["publish"] == "1"


class UploadForm(forms.Form):
    document_type = _choice(DocumentType.objects.all(), gettext_lazy("Выберите вид документа из списка."),
                            required=False)
    group = forms.ChoiceField(choices=DocumentGroup.choices, required=False,
                              error_messages={"invalid_choice": gettext_lazy("Выберите группу документа из списка.")})
    title = _text()
    publish = forms.BooleanField(required=False)


TARGET = re.compile(r"^(\d+):([01])$")


class PublishForm(forms.Form):
    """A publish toggle: "<record id>:<1 — publish, 0 — hide>" of one of the contract's actions or documents, sent
    under the record's own name (`field`: "action", "document")."""

    def __init__(self, data, *, queryset, field: str, missing: str):
        super().__init__(data)
        self.queryset, self.field, self.missing = queryset, field, missing
        self.fields[field] = forms.CharField(error_messages={"required": missing})

    def clean(self):
        data = super().clean()
        match = TARGET.match(data.get(self.field) or "")
        record = self.queryset.filter(pk=int(match.group(1))).first() if match else None
        if record is None:
            raise ValidationError(self.missing)
        data["record"], data["published"] = record, match.group(2) == "1"
        return data


def action_publish_form(data, contract) -> PublishForm:
    return PublishForm(data, queryset=ContractAction.objects.filter(contract=contract), field="action",
                       missing=_("Действие не найдено в этом договоре."))


def document_publish_form(data, contract) -> PublishForm:
    return PublishForm(data, queryset=ContractDocument.objects.filter(contract=contract), field="document",
                       missing=_("Документ не найден в этом договоре."))


class GenerateForm(forms.Form):
    template = _choice(None, gettext_lazy("Выберите шаблон из списка."))

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class TerminationForm(forms.Form):
    reason = _text()
    received_on = CardDateField()


# --- the termination request's page ----------------------------------------------------------------------

class TerminationOpForm(forms.Form):
    op = forms.ChoiceField(choices=[(c, c) for c in ("retention", "approve", "terminate", "return")],
                           error_messages={"required": gettext_lazy("Неизвестное действие."),
                                           "invalid_choice": gettext_lazy("Неизвестное действие.")})


class RetentionForm(forms.Form):
    text = _text()


class ApproveForm(forms.Form):
    step = _choice(None, gettext_lazy("Шаг не найден в этом заявлении."))
    comment = _text()

    def __init__(self, *args, termination, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = termination.steps.all()


class DecideForm(forms.Form):
    accepted_work_amount = _amount()
    note = _text()
