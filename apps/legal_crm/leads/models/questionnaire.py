"""The lead questionnaire (SPEC 6.5.1): questions per service, points per answer, segments by score."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.formatting import format_number
from legal_crm.core.validators import validate_color


class Question(models.Model):
    """One question of a service's questionnaire, asked by the operator during the call."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Текст")
        CHOICE = "choice", _("Выбор из готовых ответов")
        NUMBER = "number", _("Число")

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="questions",
                                verbose_name=_("услуга"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    text = models.CharField(_("вопрос"), max_length=300)
    hint = models.CharField(_("подсказка оператору"), max_length=300, blank=True)
    kind = models.CharField(_("вид ответа"), max_length=8, choices=Kind.choices, default=Kind.CHOICE)
    unit = models.CharField(_("единица"), max_length=20, blank=True,
                            help_text=_("Для чисел: ₽, мес., шт. — показывается рядом с полем."))
    text_points = models.SmallIntegerField(
        _("баллы за заполненный текст"), default=0,
        help_text=_("Для текстовых вопросов: сколько баллов даёт любой непустой ответ."),
    )
    is_active = models.BooleanField(_("задаётся"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("вопрос анкеты")
        verbose_name_plural = _("вопросы анкеты")
        ordering = ["service", "order", "id"]
        indexes = [models.Index(fields=["service", "is_active", "order"], name="question_service_order")]

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    """A prepared answer of a choice question and the points it gives."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("вопрос"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    text = models.CharField(_("ответ"), max_length=200)
    points = models.SmallIntegerField(_("баллы"), default=0)

    class Meta:
        verbose_name = _("вариант ответа")
        verbose_name_plural = _("варианты ответа")
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text


class NumberRange(models.Model):
    """Points for a number answer that falls into [from, to). An empty bound is open."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ranges",
                                 verbose_name=_("вопрос"))
    min_value = models.DecimalField(_("от (включительно)"), max_digits=16, decimal_places=2, null=True,
                                    blank=True)
    max_value = models.DecimalField(_("до (не включая)"), max_digits=16, decimal_places=2, null=True,
                                    blank=True)
    points = models.SmallIntegerField(_("баллы"), default=0)

    class Meta:
        verbose_name = _("диапазон баллов")
        verbose_name_plural = _("диапазоны баллов")
        ordering = ["question", "min_value", "id"]

    def __str__(self) -> str:
        low = "−∞" if self.min_value is None else format_number(self.min_value)
        high = "+∞" if self.max_value is None else format_number(self.max_value)
        return f"[{low}; {high}) → {self.points}"

    def clean(self):
        if self.min_value is not None and self.max_value is not None and self.max_value <= self.min_value:
            raise ValidationError({"max_value": _("Верхняя граница должна быть больше нижней.")})

    def contains(self, value: Decimal) -> bool:
        return (self.min_value is None or value >= self.min_value) and (
            self.max_value is None or value < self.max_value
        )


class SegmentThreshold(models.Model):
    """A lead whose score reaches `min_score` gets `segment` (the highest reached threshold wins).

    Thresholds of a service apply to its leads; thresholds without a service apply to services that
    have none of their own.
    """

    service = models.ForeignKey("directory.Service", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="segment_thresholds", verbose_name=_("услуга"),
                                help_text=_("Пусто — для всех услуг без своих порогов."))
    segment = models.CharField(_("сегмент"), max_length=50)
    min_score = models.IntegerField(_("от баллов"))
    color = models.CharField(_("цвет"), max_length=7, default="#6b7280", validators=[validate_color],
                             help_text=_("Например, #2563eb."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("порог сегмента")
        verbose_name_plural = _("пороги сегментов")
        ordering = ["service", "-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["service", "min_score"], name="uniq_segment_service_score"),
        ]

    def __str__(self) -> str:
        return f"{self.segment} (≥ {self.min_score})"

    def clean(self):
        # The unique constraint does not cover an empty service (NULLs differ in SQL): check it here.
        same = SegmentThreshold.objects.filter(service_id=self.service_id, min_score=self.min_score)
        if self.service_id is None and same.exclude(pk=self.pk).exists():
            raise ValidationError({"min_score": _("Порог с таким числом баллов для всех услуг уже есть.")})


class LeadAnswer(models.Model):
    """The lead's answer to one question, with the points it earned when saved."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="answers",
                             verbose_name=_("лид"))
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers",
                                 verbose_name=_("вопрос"))
    option = models.ForeignKey(AnswerOption, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("выбранный ответ"))
    text_value = models.CharField(_("ответ текстом"), max_length=1000, blank=True)
    number_value = models.DecimalField(_("ответ числом"), max_digits=16, decimal_places=2, null=True,
                                       blank=True)
    points = models.SmallIntegerField(_("баллы"), default=0)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("кто заполнил"))
    answered_at = models.DateTimeField(_("когда"), auto_now=True)

    class Meta:
        verbose_name = _("ответ анкеты")
        verbose_name_plural = _("ответы анкеты")
        ordering = ["question__order", "question_id"]
        constraints = [models.UniqueConstraint(fields=["lead", "question"], name="uniq_lead_answer")]

    def __str__(self) -> str:
        return f"{self.question}: {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.option_id:
            return self.option.text
        if self.number_value is not None:
            return f"{self.number_value.normalize():f}"
        return self.text_value
