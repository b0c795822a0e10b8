"""Forms of reviews: the client's public page, the staff's «record from a call», the case analysis, the rule."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanWidget,
)

from legal_crm.core.forms import ServiceForm

from ..models_reviews import Review, ReviewRequestRule

SCORES = [(str(n), str(n)) for n in range(11)]


class PublicReviewForm(ServiceForm):
    score = forms.ChoiceField(label=_("Насколько вероятно, что вы порекомендуете нас друзьям? 0 — точно нет, "
                                      "10 — обязательно"), choices=[*SCORES, ("", _("Без оценки"))], required=False,
                              widget=forms.RadioSelect)
    complaint = forms.BooleanField(label=_("Это жалоба: прошу разобраться"), required=False)
    comment = forms.CharField(label=_("Что понравилось или что нам исправить"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def kind(self) -> str:
        if self.cleaned_data.get("complaint"):
            return Review.Kind.COMPLAINT
        return Review.Kind.SCORE if self.cleaned_data.get("score") not in ("", None) else Review.Kind.NO_SCORE


class ReviewRecordForm(ServiceForm):
    """What the client said on a call. The subject (contract, lead or client) comes from the card's link; opened
    from the list, the contract is typed by its number."""

    contract_number = forms.CharField(label=_("Номер договора"), max_length=32, widget=UnfoldAdminTextInputWidget)
    kind = forms.ChoiceField(label=_("Вид отзыва"), choices=Review.Kind.choices, widget=UnfoldAdminSelectWidget)
    score = forms.TypedChoiceField(label=_("Оценка (0–10)"), choices=[("", "—"), *SCORES], coerce=int,
                                   empty_value=None, required=False, widget=UnfoldAdminSelectWidget)
    comment = forms.CharField(label=_("Что сказал клиент"), required=False, widget=UnfoldAdminTextareaWidget)

    def __init__(self, *args, by_number: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not by_number:
            del self.fields["contract_number"]


class ReviewAnalyseForm(ServiceForm):
    analysis = forms.CharField(label=_("Анализ причин"), required=False, widget=UnfoldAdminTextareaWidget)
    outcome = forms.CharField(label=_("Итог и принятые меры"), required=False, widget=UnfoldAdminTextareaWidget)
    close = forms.BooleanField(label=_("Разбор закончен"), required=False, widget=UnfoldBooleanWidget)


class ReviewRuleForm(forms.ModelForm):
    """The desk's rule form: checked by the service's own rules before the service saves it."""

    class Meta:
        model = ReviewRequestRule
        fields = ("event", "is_active", "text", "valid_days")

    def clean(self):
        data = super().clean()
        from .request_services import review_rule_errors

        errors = review_rule_errors(event=data.get("event"), text=data.get("text") or "",
                                    valid_days=data.get("valid_days"), rule_pk=self.instance.pk)
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data
