"""Client reviews and NPS (SPEC 8, DOMAIN.md «NPS»): a review, the one-time links that ask for one, and which
events send those links.

A review is about an office's service to a client (through a contract or a lead) and the employee responsible for
it. Its category is stored (not computed in every report): promoter 9–10, neutral 7–8, critic 0–6, or «жалоба» /
«без оценки». A negative review (a critic or a complaint) opens a case: analysis and outcome, closed by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class Review(TimeStampedModel):
    class Kind(models.TextChoices):
        SCORE = "score", _("Оценка")
        COMPLAINT = "complaint", _("Жалоба")
        NO_SCORE = "no_score", _("Без оценки")

    class Category(models.TextChoices):
        PROMOTER = "promoter", _("Промоутер")
        NEUTRAL = "neutral", _("Нейтрал")
        CRITIC = "critic", _("Критик")
        COMPLAINT = "complaint", _("Жалоба")
        NO_SCORE = "no_score", _("Без оценки")

    class Source(models.TextChoices):
        LINK = "link", _("По ссылке из сообщения")
        CALL = "call", _("Со звонка")
        PORTAL = "portal", _("В личном кабинете")

    class Case(models.TextChoices):
        NONE = "", _("Разбор не нужен")
        OPEN = "open", _("Разбор не закончен")
        CLOSED = "closed", _("Разобран")

    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices, default=Kind.SCORE)
    score = models.PositiveSmallIntegerField(_("оценка (0–10)"), null=True, blank=True)
    category = models.CharField(_("категория"), max_length=10, choices=Category.choices)
    comment = models.TextField(_("комментарий клиента"), blank=True)
    source = models.CharField(_("как получен"), max_length=8, choices=Source.choices)
    client = models.ForeignKey("directory.Counterparty", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reviews", verbose_name=_("клиент"))
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews",
                             verbose_name=_("лид"))
    contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="reviews", verbose_name=_("договор"))
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="reviews",
                               verbose_name=_("офис"))
    service = models.ForeignKey("directory.Service", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="reviews", verbose_name=_("услуга"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="reviews_responsible", verbose_name=_("ответственный сотрудник"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("записал"))
    complaint = models.OneToOneField("quality.Complaint", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="review", verbose_name=_("жалоба"),
                                     help_text=_("Отзыв-жалоба по договору заводит жалобу: её ведут как все жалобы."))
    case_status = models.CharField(_("разбор"), max_length=8, choices=Case.choices, default=Case.NONE, blank=True)
    analysis = models.TextField(_("анализ причин"), blank=True)
    outcome = models.TextField(_("итог и принятые меры"), blank=True)
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("разобрал"))
    analysed_at = models.DateTimeField(_("разобран"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("отзыв")
        verbose_name_plural = _("отзывы")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "created_at"], name="review_office_created_idx"),
            models.Index(fields=["case_status", "office"], name="review_case_idx"),
            models.Index(fields=["responsible", "created_at"], name="review_responsible_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=10),
                                   name="review_score_0_10",
                                   violation_error_message=_("Оценка — от 0 до 10.")),
        ]
        permissions = [
            ("analyse_review", _("Разбирает отрицательные отзывы (анализ и итог)")),
            ("view_nps_report", _("Видит отчёт NPS")),
        ]

    def __str__(self) -> str:
        return _("Отзыв №%(id)s") % {"id": self.pk}

    @property
    def is_negative(self) -> bool:
        return self.category in (self.Category.CRITIC, self.Category.COMPLAINT)


class ReviewRequestRule(TimeStampedModel):
    """Which event asks the client for a review, and the message that carries the link."""

    class Event(models.TextChoices):
        STAGE_FINISHED = "stage_finished", _("Завершён этап договора")
        CONTRACT_COMPLETED = "contract_completed", _("Договор исполнен")

    event = models.CharField(_("событие"), max_length=24, choices=Event.choices, unique=True)
    is_active = models.BooleanField(_("включено"), default=True)
    text = models.TextField(_("текст сообщения"), help_text=_(
        "Метки сообщений, например {name}; {review_link} — одноразовая ссылка на страницу отзыва."))
    valid_days = models.PositiveSmallIntegerField(_("ссылка действует, дней"), default=14)

    class Meta:
        verbose_name = _("запрос отзыва")
        verbose_name_plural = _("запросы отзывов")
        ordering = ["event"]

    def __str__(self) -> str:
        return self.get_event_display()


class ReviewRequest(TimeStampedModel):
    """One link sent to a client: only the hash of its token is kept; it works once and until it expires."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    event_key = models.CharField(_("повод"), max_length=60, help_text=_("Событие и запись: один запрос на повод."))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="review_requests",
                                 verbose_name=_("договор"))
    phone = models.CharField(_("телефон"), max_length=16)
    expires_at = models.DateTimeField(_("действует до"))
    used_at = models.DateTimeField(_("использована"), null=True, blank=True)
    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="request",
                                  verbose_name=_("отзыв"))

    class Meta:
        verbose_name = _("ссылка на отзыв")
        verbose_name_plural = _("ссылки на отзыв")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "event_key"], name="uniq_review_request_event")]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.event_key}"
