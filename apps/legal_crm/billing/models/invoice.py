"""Invoices: what the client owes on a contract, and how much of it their payments cover."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel


class Invoice(TimeStampedModel):
    class Kind(models.TextChoices):
        ONE_OFF = "one_off", _("Разовый")
        SUBSCRIPTION = "subscription", _("Абонентский")
        DEPOSIT = "deposit", _("Депозит")
        # What the client owes at termination (accepted work beyond the payments): issued by billing itself
        # (handlers.stop_billing_of_terminated), never by hand.
        TERMINATION = "termination", _("Долг при расторжении")

    MANUAL_KINDS = (Kind.ONE_OFF, Kind.SUBSCRIPTION, Kind.DEPOSIT)

    class Status(models.TextChoices):
        ISSUED = "issued", _("Выставлен")
        PARTIALLY_PAID = "partially_paid", _("Оплачен частично")
        PAID = "paid", _("Оплачен")
        CANCELLED = "cancelled", _("Отменён")

    OPEN_STATUSES = (Status.ISSUED, Status.PARTIALLY_PAID)

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="invoices",
                                 verbose_name=_("договор"))
    seq = models.PositiveIntegerField(_("порядковый номер в договоре"))
    number = models.CharField(_("номер"), max_length=48, unique=True)
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices, default=Kind.ONE_OFF)
    amount = MoneyField(_("сумма"))
    paid_amount = MoneyField(_("оплачено"), default=0,
                             help_text=_("Сумма зачтённых платежей; меняется только при регистрации оплат."))
    issued_on = models.DateField(_("дата счёта"))
    due_date = models.DateField(_("оплатить до"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.ISSUED)
    is_overdue = models.BooleanField(_("просрочен"), default=False)
    purpose = models.CharField(_("назначение платежа"), max_length=500)
    period_start = models.DateField(_("период с"), null=True, blank=True)
    period_end = models.DateField(_("период по"), null=True, blank=True)
    subscription = models.ForeignKey("billing.Subscription", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="invoices", verbose_name=_("абонентское обслуживание"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("выставил"))
    cancelled_at = models.DateTimeField(_("отменён"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("отменил"))
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("счёт")
        verbose_name_plural = _("счета")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["contract", "status"], name="invoice_contract_status_idx"),
            # amount and paid_amount ride along so the receivables' sums by age read the index alone (the rows of
            # 200,000 open invoices are 2 s of random reads at 1.6M invoices; the index range is 0.1 s)
            models.Index(fields=["status", "due_date", "amount", "paid_amount"], name="invoice_status_due_idx2"),
            models.Index(fields=["kind", "status", "-issued_on"], name="invoice_kind_status_idx"),
            models.Index(fields=["-issued_on", "-id"], name="invoice_issued_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="uniq_invoice_contract_seq"),
            # NULL subscriptions are distinct on SQLite and MariaDB alike: one invoice per period.
            models.UniqueConstraint(fields=["subscription", "period_start"], name="uniq_invoice_subscription_period"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_amount_positive",
                                   violation_error_message=_("Сумма счёта должна быть больше нуля.")),
            models.CheckConstraint(condition=models.Q(paid_amount__gte=0) & models.Q(paid_amount__lte=models.F("amount")),
                                   name="invoice_paid_within_amount",
                                   violation_error_message=_("Оплаченное по счёту не может быть меньше "
                                                             "нуля или больше суммы счёта.")),
        ]
        permissions = [
            ("cancel_invoice", _("Отменяет неоплаченные счета")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due_amount(self):
        if self.status == self.Status.CANCELLED:
            return Decimal("0.00")
        return self.amount - self.paid_amount

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED
