"""Money received, where it went (allocations to invoices, the contract's advance), refunds and the ledger."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Наличные")
    CARD = "card", _("Банковская карта")
    BANK_TRANSFER = "bank_transfer", _("Банковский перевод")
    PORTAL = "portal", _("Оплата в личном кабинете")
    CERTIFICATE = "certificate", _("Сертификат")
    BONUS = "bonus", _("Бонусы")


def payment_document_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"billing/payments/{instance.paid_at:%Y/%m}/{uuid.uuid4().hex}{ext}"


class Payment(TimeStampedModel):
    """Money the client paid. `amount` is what was received; allocations say which invoices it covers and
    the rest (only when accepted as an advance) is the contract's credit."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("договор"))
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("счёт"))
    amount = MoneyField(_("сумма"))
    advance_amount = MoneyField(_("в т.ч. аванс"), default=0,
                                help_text=_("Часть платежа сверх долга по счёту, принятая как аванс по договору."))
    refunded_amount = MoneyField(_("возвращено"), default=0)
    method = models.CharField(_("способ оплаты"), max_length=16, choices=PaymentMethod.choices)
    paid_at = models.DateTimeField(_("дата оплаты"))
    external_ref = models.CharField(_("номер платёжного документа"), max_length=100, null=True, blank=True,
                                    help_text=_("Номер платёжного поручения, чека или операции; повтор не принимается."))
    document = models.FileField(_("платёжный документ"), upload_to=payment_document_path, blank=True, max_length=200)
    comment = models.CharField(_("комментарий"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("внёс"))

    class Meta:
        verbose_name = _("платёж")
        verbose_name_plural = _("платежи")
        ordering = ["-paid_at", "-id"]
        indexes = [
            models.Index(fields=["contract", "-paid_at"], name="payment_contract_idx"),
            models.Index(fields=["-paid_at", "-id"], name="payment_paid_at_idx"),
            models.Index(fields=["method", "-paid_at"], name="payment_method_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["method", "external_ref"], name="uniq_payment_method_ref"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive",
                                   violation_error_message=_("Сумма платежа должна быть больше нуля.")),
            models.CheckConstraint(
                condition=models.Q(advance_amount__gte=0) & models.Q(advance_amount__lte=models.F("amount")),
                name="payment_advance_within_amount",
                violation_error_message=_("Аванс не может быть меньше нуля или больше суммы платежа.")),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0) & models.Q(refunded_amount__lte=models.F("amount")),
                name="payment_refund_within_amount",
                violation_error_message=_("Возвращённое не может быть меньше нуля или больше суммы "
                                          "платежа.")),
        ]
        permissions = [
            ("refund_payment", _("Оформляет возвраты платежей")),
        ]

    def __str__(self) -> str:
        return _("Платёж %(amount)s от %(date)s") % {"amount": format_money(self.amount),
                                                     "date": f"{timezone.localtime(self.paid_at):%d.%m.%Y}"}


class PaymentAllocation(models.Model):
    """Part of a payment credited to an invoice; a refund writes a negative row. An invoice's paid amount
    is the sum of its allocations."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("платёж"))
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="allocations",
                                verbose_name=_("счёт"))
    amount = MoneyField(_("сумма"))
    refund = models.ForeignKey("billing.Refund", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="allocations", verbose_name=_("возврат"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("зачёт платежа")
        verbose_name_plural = _("зачёты платежей")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice_id}: {format_money(self.amount)}"


class Refund(TimeStampedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("платёж"))
    amount = MoneyField(_("сумма"))
    reason = models.CharField(_("основание"), max_length=300)
    refunded_at = models.DateTimeField(_("дата возврата"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("оформил"))

    class Meta:
        verbose_name = _("возврат")
        verbose_name_plural = _("возвраты")
        ordering = ["-refunded_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive",
                                              violation_error_message=_("Сумма возврата должна быть больше "
                                                                        "нуля."))]

    def __str__(self) -> str:
        return _("Возврат %(amount)s") % {"amount": format_money(self.amount)}


class LedgerEntry(models.Model):
    """The money ledger. Every operation writes rows sharing one `operation` id that balance:
    cash = invoice + advance. Receipts are positive, refunds and reversals negative.

    cash    — money actually received from the client (minus refunds);
    invoice — money credited to a particular invoice (its sum per invoice is the invoice's paid amount);
    advance — money held as the contract's credit (its sum per contract never goes below zero).
    """

    class Account(models.TextChoices):
        CASH = "cash", _("Денежные средства")
        INVOICE = "invoice", _("Оплата счёта")
        ADVANCE = "advance", _("Аванс по договору")

    operation = models.UUIDField(_("операция"), db_index=True)
    account = models.CharField(_("счёт учёта"), max_length=8, choices=Account.choices)
    amount = MoneyField(_("сумма"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("договор"))
    invoice = models.ForeignKey("billing.Invoice", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ledger_entries", verbose_name=_("счёт"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger_entries",
                                verbose_name=_("платёж"))
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("возврат"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("проводка")
        verbose_name_plural = _("журнал проводок")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contract", "account"], name="ledger_contract_account_idx")]

    def __str__(self) -> str:
        return f"{self.get_account_display()}: {format_money(self.amount)}"
