"""The questionnaire constructor in the desk: questions with their prepared answers and number ranges, and the
segment thresholds (saved through services, which re-segment the leads after the commit)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import TabularInline
from unfold.decorators import display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.formatting import format_number

from ..models import AnswerOption, NumberRange, Question, SegmentThreshold
from ..services import questionnaire as questionnaire_services


def _kept_forms(formset) -> list:
    """The valid rows of an inline formset that stay after saving (filled, not marked for deletion)."""
    return [f for f in formset.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]


class AnswerOptionFormSet(BaseInlineFormSet):
    """A choice question needs its answers; other kinds have none (the card would never offer them)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question, kept = self.instance, _kept_forms(self)
        if question.kind == Question.Kind.CHOICE and not kept:
            raise ValidationError(_("У вопроса с выбором из готовых ответов должен быть хотя бы один ответ."))
        if question.kind != Question.Kind.CHOICE and kept:
            raise ValidationError(_("Готовые ответы задаются только вопросу «%(kind)s»; у вопроса «%(this)s» "
                                    "их не будет видно — удалите их.")
                                  % {"kind": Question.Kind.CHOICE.label, "this": question.get_kind_display()})


def _bound(value, infinity: str) -> str:
    return infinity if value is None else format_number(value)


class NumberRangeFormSet(BaseInlineFormSet):
    """The ranges of one number question may not overlap: a number would earn the points of whichever came
    first."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = _kept_forms(self)
        if kept and self.instance.kind != Question.Kind.NUMBER:
            raise ValidationError(_("Диапазоны баллов задаются только вопросу «%(kind)s».")
                                  % {"kind": Question.Kind.NUMBER.label})
        ranges = [(f.cleaned_data.get("min_value"), f.cleaned_data.get("max_value")) for f in kept]
        for i, (low_a, high_a) in enumerate(ranges):
            for low_b, high_b in ranges[i + 1:]:
                a_before_b = high_a is not None and low_b is not None and high_a <= low_b
                b_before_a = high_b is not None and low_a is not None and high_b <= low_a
                if not (a_before_b or b_before_a):
                    raise ValidationError(_("Диапазоны [%(a)s; %(b)s) и [%(c)s; %(d)s) пересекаются: у числа "
                                            "должен быть один диапазон.") % {
                        "a": _bound(low_a, "−∞"), "b": _bound(high_a, "+∞"),
                        "c": _bound(low_b, "−∞"), "d": _bound(high_b, "+∞")})


class AnswerOptionInline(TabularInline):
    model = AnswerOption
    formset = AnswerOptionFormSet
    extra = 0
    fields = ("order", "text", "points")
    ordering = ("order", "id")


class NumberRangeInline(TabularInline):
    model = NumberRange
    formset = NumberRangeFormSet
    extra = 0
    fields = ("min_value", "max_value", "points")


@admin.register(Question)
class QuestionAdmin(HistoryDeskAdmin):
    list_display = ("text", "service", "kind", "order", "is_active")
    list_filter = ("service", "kind", "is_active")
    list_select_related = ("service",)
    search_fields = ("text",)
    fields = ("service", "order", "text", "hint", "kind", "unit", "text_points", "is_active")
    inlines = [AnswerOptionInline, NumberRangeInline]


@admin.register(SegmentThreshold)
class SegmentThresholdAdmin(HistoryDeskAdmin):
    list_display = ("segment", "service_or_all", "min_score", "color")
    list_filter = ("service",)
    list_select_related = ("service",)

    @display(description=gettext_lazy("Услуга"))
    def service_or_all(self, obj):
        return obj.service or _("Все услуги")

    # --- writes go through services (the leads are re-segmented after the commit) ------------------------------
    def save_model(self, request, obj, form, change):
        saved = questionnaire_services.segment_threshold_save(
            actor=request.user, threshold=obj if change else None,
            **{name: form.cleaned_data[name] for name in questionnaire_services.THRESHOLD_FIELDS if name in form.cleaned_data})
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        questionnaire_services.segment_threshold_delete(actor=request.user, threshold=obj)

    def delete_queryset(self, request, queryset):
        for threshold in queryset:
            self.run_service(request, questionnaire_services.segment_threshold_delete, actor=request.user, threshold=threshold)

