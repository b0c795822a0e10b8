"""Small desk forms; they only collect input — the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDateWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from legal_crm.core.dates import PAST_EVENT, PLANNED, PlausibleDateFormField
from legal_crm.core.fields import MoneyFormField
from legal_crm.core.forms import ServiceForm

from .models import Invoice
from .services.payments import available_methods


def _text(**attrs):
    return UnfoldAdminTextInputWidget(attrs=attrs)




class InvoiceIssueForm(ServiceForm):
    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=_text())
    kind = forms.ChoiceField(label=_("Вид счёта"), widget=UnfoldAdminSelectWidget,
                             choices=[(k.value, k.label) for k in Invoice.MANUAL_KINDS])
    amount = MoneyFormField(label=_("Сумма, ₽"), allow_zero=False, widget=_text(inputmode="decimal"))
    due_date = PlausibleDateFormField(label=_("Оплатить до"), kind=PLANNED, widget=UnfoldAdminDateWidget)
    period_start = PlausibleDateFormField(label=_("Период с (для абонентского)"), kind=PLANNED, required=False,
                                          widget=UnfoldAdminDateWidget)
    period_end = PlausibleDateFormField(label=_("Период по"), kind=PLANNED, required=False,
                                        widget=UnfoldAdminDateWidget)
    purpose = forms.CharField(label=_("Назначение платежа"), max_length=500, required=False,
                              widget=_text(), help_text=_("Пусто — по виду счёта."))


class PaymentRegisterForm(ServiceForm):
    amount = MoneyFormField(label=_("Сумма, ₽"), allow_zero=False, widget=_text(inputmode="decimal"))
    # Certificates and bonuses appear when a module keeps their balances (hooks.PAYMENT_METHOD_PROVIDERS).
    method = forms.ChoiceField(label=_("Способ оплаты"), choices=available_methods, widget=UnfoldAdminSelectWidget)
    reference = forms.CharField(label=_("Номер сертификата"), max_length=32, required=False, widget=_text(),
                                help_text=_("Для оплаты сертификатом."))
    paid_on = PlausibleDateFormField(label=_("Дата оплаты"), kind=PAST_EVENT, initial=timezone.localdate,
                                     widget=UnfoldAdminDateWidget)
    external_ref = forms.CharField(label=_("Номер платёжного документа"), max_length=100, required=False,
                                   widget=_text())
    document = forms.FileField(label=_("Платёжный документ (PDF, JPG, PNG)"), required=False,
                               widget=UnfoldAdminFileFieldWidget)
    as_advance = forms.BooleanField(label=_("Излишек принять авансом по договору"), required=False,
                                    widget=UnfoldBooleanSwitchWidget)
    comment = forms.CharField(label=_("Комментарий"), max_length=300, required=False, widget=_text())
    # One token per opened form: a second press of the button (or a re-sent POST) is recognised as the same
    # payment even when it has no document number to be idempotent by.
    submission = forms.CharField(label=_("Отправка формы"), widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission"] = uuid.uuid4().hex

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("Дата оплаты ещё не наступила."))
        return paid_on


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Причина"), max_length=300, widget=_text())


class RefundForm(ServiceForm):
    amount = MoneyFormField(label=_("Сумма возврата, ₽"), allow_zero=False, widget=_text(inputmode="decimal"))
    reason = forms.CharField(label=_("Основание"), max_length=300, widget=_text())


class ContractRefundForm(ServiceForm):
    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=_text())
    amount = MoneyFormField(label=_("Сумма возврата, ₽"), allow_zero=False, widget=_text(inputmode="decimal"))
    reason = forms.CharField(label=_("Основание"), max_length=300, widget=_text(),
                             initial=_("Расторжение договора: возврат за вычетом принятой работы"))


class DocumentForm(ServiceForm):
    document = forms.FileField(label=_("Платёжный документ (PDF, JPG, PNG)"), widget=UnfoldAdminFileFieldWidget)


class ScheduleForm(ServiceForm):
    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=_text())
    total = MoneyFormField(label=_("Сумма графика, ₽"), required=False, allow_zero=False,
                           widget=_text(inputmode="decimal"), help_text=_("Пусто — стоимость договора."))
    months = forms.IntegerField(label=_("Месяцев"), min_value=1, max_value=60, widget=_text(inputmode="numeric"))
    first_due_date = PlausibleDateFormField(label=_("Первый платёж"), kind=PLANNED, widget=UnfoldAdminDateWidget)


class SubscriptionForm(ServiceForm):
    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=_text())
    monthly_fee = MoneyFormField(label=_("Ежемесячный платёж, ₽"), allow_zero=False,
                                 widget=_text(inputmode="decimal"))
    started_on = PlausibleDateFormField(label=_("Начало"), kind=PLANNED, widget=UnfoldAdminDateWidget)
    due_days = forms.IntegerField(label=_("Дней на оплату"), min_value=0, max_value=60, initial=5,
                                  widget=_text(inputmode="numeric"))


class ScheduleItemChoiceForm(forms.Form):
    """Which unissued payment of a schedule to issue (none named: the next one)."""

    item = forms.ModelChoiceField(queryset=None, required=False, error_messages={
        "invalid_choice": _("Этот платёж графика уже выставлен или не относится к графику.")})

    def __init__(self, data, *, items):
        super().__init__(data)
        self.fields["item"].queryset = items
