"""Violations, the rules that find them and the periods when no rule is checked (holidays)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel


class ViolationRule(TimeStampedModel):
    """One line of the checklist: what counts as a violation (its kind and parameters) and what it costs.

    The kinds and their parameters are listed in violations/kinds.py; a rule naming anything else is refused when
    it is saved. A «manual» rule is never checked by the job: people record its violations by hand."""

    name = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("что проверяется"), max_length=32)
    params = models.JSONField(_("параметры"), default=dict, blank=True,
                              help_text=_("Например, {\"hours\": 2} для «плановый звонок просрочен более N часов»."))
    is_active = models.BooleanField(_("проверяется"), default=True)
    suspended_from = models.DateField(_("приостановлено с"), null=True, blank=True)
    suspended_until = models.DateField(_("приостановлено по"), null=True, blank=True,
                                       help_text=_("Включительно. Пусто при заполненном «с» — до отмены."))
    amount = MoneyField(_("удержание, ₽"), max_digits=12, null=True, blank=True,
                        help_text=_("Сколько удержать из зарплаты за нарушение. Пусто — не удерживать."))
    points = models.PositiveSmallIntegerField(_("штрафные баллы"), default=0)
    description = models.TextField(_("пояснение"), blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("правило нарушений")
        verbose_name_plural = _("правила нарушений")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(suspended_from__isnull=True) | Q(suspended_until__isnull=True)
                | Q(suspended_until__gte=F("suspended_from")),
                name="violationrule_suspension_order",
                violation_error_message=_("Приостановка правила не может закончиться раньше, чем началась.")),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0),
                                   name="violationrule_amount_not_negative",
                                   violation_error_message=_("Сумма удержания не может быть отрицательной.")),
        ]

    def __str__(self) -> str:
        return self.name

    def is_suspended_on(self, day) -> bool:
        if self.suspended_from is None or day < self.suspended_from:
            return False
        return self.suspended_until is None or day <= self.suspended_until


class ViolationPause(TimeStampedModel):
    """Days when no rule is checked by the job (public holidays, a move of the office)."""

    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"), help_text=_("Включительно."))
    reason = models.CharField(_("причина"), max_length=200)

    class Meta:
        verbose_name = _("пауза проверки нарушений")
        verbose_name_plural = _("паузы проверки нарушений")
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="violationpause_order",
                                              violation_error_message=_("Пауза не может закончиться "
                                                                        "раньше, чем началась."))]

    def __str__(self) -> str:
        return f"{self.starts_on:%d.%m.%Y} — {self.ends_on:%d.%m.%Y}: {self.reason}"


class Violation(TimeStampedModel):
    class Status(models.TextChoices):
        RECORDED = "recorded", _("Зафиксировано")
        APPEALED = "appealed", _("Обжалуется")
        UPHELD = "upheld", _("Оставлено в силе")
        CANCELLED = "cancelled", _("Отменено")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Вручную")
        AUTO = "auto", _("Автоматически")

    offender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="violations",
                                 verbose_name=_("нарушитель"))
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    rule = models.ForeignKey(ViolationRule, on_delete=models.PROTECT, related_name="violations",
                             verbose_name=_("правило"))
    day = models.DateField(_("дата нарушения"))
    source = models.CharField(_("как выявлено"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    comment = models.TextField(_("комментарий"), blank=True)
    evidence_url = models.URLField(_("подтверждение (ссылка)"), max_length=500, blank=True)
    # the record that shows it, as todos' tasks link theirs: "leads.plannedcall" + "42"
    record_type = models.CharField(_("вид записи"), max_length=50, blank=True)
    record_id = models.CharField(_("номер записи"), max_length=50, blank=True)
    occurrences = models.PositiveIntegerField(_("случаев за день"), default=1)
    amount = MoneyField(_("удержание, ₽"), max_digits=12, null=True, blank=True)
    points = models.PositiveSmallIntegerField(_("штрафные баллы"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("зафиксировал"))
    appeal_text = models.TextField(_("обжалование"), blank=True)
    appealed_at = models.DateTimeField(_("обжаловано"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("решил"))
    decided_at = models.DateTimeField(_("решено"), null=True, blank=True)
    decision_reason = models.TextField(_("основание решения"), blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("нарушение")
        verbose_name_plural = _("нарушения")
        ordering = ["-day", "-id"]
        constraints = [
            # at most one violation of a rule per person per day, however often the job runs
            models.UniqueConstraint(fields=["offender", "rule", "day"], name="violation_once_a_day"),
        ]
        indexes = [
            models.Index(fields=["offender", "day"], name="violation_offender_day"),
            models.Index(fields=["office", "status", "day"], name="violation_office_status_day"),
            models.Index(fields=["rule", "day"], name="violation_rule_day"),
        ]
        permissions = [
            ("view_office_violations", _("Видит нарушения сотрудников своих офисов")),
            ("decide_violation", _("Решает по обжалованиям нарушений")),
        ]

    def __str__(self) -> str:
        return _("%(rule)s, %(day)s") % {"rule": self.rule, "day": f"{self.day:%d.%m.%Y}"}

    # What may be done in the violation's status: the services refuse by these, the card offers by them.
    def can_appeal(self) -> bool:
        return self.status == self.Status.RECORDED

    def can_decide(self) -> bool:
        return self.status == self.Status.APPEALED

    @property
    def counts_for_payroll(self) -> bool:
        return self.status in (self.Status.RECORDED, self.Status.UPHELD)
