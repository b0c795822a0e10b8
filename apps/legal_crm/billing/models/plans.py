"""Instalment plans and subscriptions: the two ways a contract bills over time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class InstalmentSchedule(TimeStampedModel):
    """The contract price split into monthly payments; each item becomes an invoice when it falls due."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Действует")
        CANCELLED = "cancelled", _("Отменён")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="schedules",
                                 verbose_name=_("договор"))
    total = MoneyField(_("сумма графика"))
    months = models.PositiveSmallIntegerField(_("месяцев"))
    first_due_date = models.DateField(_("первый платёж"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("составил"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("график платежей")
        verbose_name_plural = _("графики платежей")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="schedule_total_positive",
                                   violation_error_message=_("Сумма рассрочки должна быть больше нуля.")),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="schedule_months_positive",
                                   violation_error_message=_("Рассрочка — не меньше одного месяца.")),
        ]

    def __str__(self) -> str:
        return _("График %(contract)s на %(months)s мес.") % {"contract": self.contract, "months": self.months}

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class ScheduleItem(models.Model):
    schedule = models.ForeignKey(InstalmentSchedule, on_delete=models.CASCADE, related_name="items",
                                 verbose_name=_("график"))
    seq = models.PositiveSmallIntegerField(_("№"))
    due_date = models.DateField(_("срок"))
    amount = MoneyField(_("сумма"))
    invoice = models.OneToOneField("billing.Invoice", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="schedule_item", verbose_name=_("счёт"))

    class Meta:
        verbose_name = _("платёж по графику")
        verbose_name_plural = _("платежи по графику")
        ordering = ["schedule", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "seq"], name="uniq_schedule_item_seq"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="schedule_item_amount_positive",
                                   violation_error_message=_("Сумма платежа по графику должна быть больше "
                                                             "нуля.")),
        ]
        indexes = [models.Index(fields=["due_date"], name="schedule_item_due_idx")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.due_date:%d.%m.%Y} — {format_money(self.amount)}"


class Subscription(TimeStampedModel):
    """A subscription contract (ГК ст. 429.4): a monthly fee invoiced by the daily job each period."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="subscriptions",
                                 verbose_name=_("договор"))
    monthly_fee = MoneyField(_("ежемесячный платёж"))
    started_on = models.DateField(_("начало"))
    next_period_start = models.DateField(_("следующий период с"), db_index=True)
    due_days = models.PositiveSmallIntegerField(_("дней на оплату"), default=5,
                                                help_text=_("Срок оплаты счёта от начала периода."))
    is_active = models.BooleanField(_("действует"), default=True)
    ended_on = models.DateField(_("окончание"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("оформил"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("абонентское обслуживание")
        verbose_name_plural = _("абонентское обслуживание")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["is_active", "next_period_start", "id"], name="subscription_due_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(monthly_fee__gt=0), name="subscription_fee_positive",
                                   violation_error_message=_("Абонентская плата должна быть больше нуля.")),
        ]

    def __str__(self) -> str:
        return _("Абонентское обслуживание %(contract)s") % {"contract": self.contract}
