"""Gift and sold certificates: a number, an amount (and optionally a service and a client), a validity; redeemed
once or in parts as a payment method in billing (finance/payment_methods.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class Certificate(TimeStampedModel):
    class Kind(models.TextChoices):
        SOLD = "sold", _("Продан")
        GIFT = "gift", _("Подарен")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Действует")
        USED = "used", _("Использован")
        CANCELLED = "cancelled", _("Аннулирован")

    number = models.CharField(_("номер"), max_length=32, unique=True, blank=True,
                              help_text=_("Пусто — номер присвоится сам."))
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    kind = models.CharField(_("как получен"), max_length=8, choices=Kind.choices, default=Kind.SOLD)
    amount = MoneyField(_("номинал"))
    balance = MoneyField(_("остаток"))
    client = models.ForeignKey("directory.Counterparty", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("клиент"),
                               help_text=_("Пусто — на предъявителя."))
    service = models.ForeignKey("directory.Service", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("услуга"),
                                help_text=_("Пусто — на любую услугу."))
    valid_from = models.DateField(_("действует с"))
    valid_until = models.DateField(_("действует по"))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cancel_reason = models.CharField(_("причина аннулирования"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("выпустил"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("сертификат")
        verbose_name_plural = _("сертификаты")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="certificate_amount_positive",
                                   violation_error_message=_("Номинал сертификата должен быть больше нуля.")),
            models.CheckConstraint(condition=models.Q(balance__gte=0) & models.Q(balance__lte=models.F("amount")),
                                   name="certificate_balance_within_amount",
                                   violation_error_message=_("Остаток сертификата — от нуля до его "
                                                             "номинала.")),
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="certificate_validity_order",
                                   violation_error_message=_("Сертификат не может перестать действовать "
                                                             "раньше, чем начал.")),
        ]
        # The module's report rights are declared on its first model (Django keeps permissions per model); the
        # access matrix and the access history show them in a row of their own (core.access_matrix.MODULE_ROWS).
        permissions = [
            ("view_receivables", _("Видит дебиторскую задолженность")),
            ("view_revenue", _("Видит выручку, валовую прибыль и оплаты через кабинет")),
        ]

    def __str__(self) -> str:
        return _("Сертификат %(number)s на %(amount)s") % {"number": self.number, "amount": format_money(self.amount)}


class CertificateRedemption(models.Model):
    """A part of a certificate spent on a payment (billing's Payment with method «сертификат»)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="redemptions",
                                    verbose_name=_("сертификат"))
    payment = models.OneToOneField("billing.Payment", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("платёж"))
    amount = MoneyField(_("сумма"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("погашение сертификата")
        verbose_name_plural = _("погашения сертификатов")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0),
                                              name="redemption_amount_positive",
                                              violation_error_message=_("Сумма погашения должна быть "
                                                                        "больше нуля."))]

    def __str__(self) -> str:
        return f"{self.certificate.number}: {format_money(self.amount)}"
