"""Client bonuses: points in two groups (cashback, promotion), accrued with an expiry and spent as a payment
method on invoices. The account's balance is the sum of what is left of its accruals (each accrual keeps its
`remaining`); spending takes the accruals that expire first, the daily job writes off the expired rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money


class BonusGroup(models.TextChoices):
    CASHBACK = "cashback", _("Кешбэк")
    PROMOTION = "promotion", _("Промо")


class BonusAccount(models.Model):
    client = models.ForeignKey("directory.Counterparty", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("клиент"))
    group = models.CharField(_("группа"), max_length=10, choices=BonusGroup.choices)
    balance = MoneyField(_("баланс"), default=0)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("бонусный счёт")
        verbose_name_plural = _("бонусные счета")
        ordering = ["client", "group"]
        constraints = [
            models.UniqueConstraint(fields=["client", "group"], name="uniq_bonus_account_client_group"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="bonus_balance_non_negative",
                                   violation_error_message=_("Бонусный баланс не может стать "
                                                             "отрицательным.")),
        ]
        permissions = [("accrue_bonus", _("Начисляет бонусы клиентам"))]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_group_display()} {format_money(self.balance, currency=False)}"


class BonusEntry(models.Model):
    class Kind(models.TextChoices):
        ACCRUAL = "accrual", _("Начисление")
        SPEND = "spend", _("Списание в оплату")
        EXPIRY = "expiry", _("Сгорание")
        RETURN = "return", _("Возврат оплаты бонусами")

    account = models.ForeignKey(BonusAccount, on_delete=models.PROTECT, related_name="entries",
                                verbose_name=_("бонусный счёт"))
    kind = models.CharField(_("операция"), max_length=8, choices=Kind.choices)
    amount = MoneyField(_("сумма"), help_text=_("Начисление положительно, списание и сгорание отрицательны."))
    remaining = MoneyField(_("не использовано"), default=0, help_text=_("Только у начислений."))
    expires_on = models.DateField(_("сгорает"), null=True, blank=True)
    reason = models.CharField(_("основание"), max_length=300, blank=True)
    payment = models.ForeignKey("billing.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("платёж"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("кто"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("операция с бонусами")
        verbose_name_plural = _("операции с бонусами")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "kind", "expires_on"], name="bonus_entry_accrual_idx")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="bonus_entry_amount_nonzero",
                                   violation_error_message=_("Сумма начисления бонусов не может быть "
                                                             "нулевой.")),
            models.CheckConstraint(condition=models.Q(remaining__gte=0),
                                   name="bonus_entry_remaining_non_negative",
                                   violation_error_message=_("Остаток начисления бонусов не может быть "
                                                             "отрицательным.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {format_money(self.amount, currency=False)}"
