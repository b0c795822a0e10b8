"""Automatic client bonuses (SPEC 5.4.12): the rules that accrue points on events — a payment made on time, a
referral that signs a contract — and the referrals themselves (who recommended the lead)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel

from .bonuses import BonusEntry, BonusGroup


class BonusRule(TimeStampedModel):
    class Event(models.TextChoices):
        PAYMENT_ON_TIME = "payment_on_time", _("Оплата счёта в срок")
        REFERRAL_SIGNED = "referral_signed", _("Рекомендованный клиент подписал договор")

    event = models.CharField(_("событие"), max_length=16, choices=Event.choices)
    group = models.CharField(_("группа бонусов"), max_length=10, choices=BonusGroup.choices)
    percent = models.DecimalField(_("% от платежа"), max_digits=5, decimal_places=2, default=0,
                                  help_text=_("Только для оплаты в срок."))
    amount = MoneyField(_("фиксированная сумма"), default=0)
    valid_days = models.PositiveSmallIntegerField(_("сгорают через, дней"), default=180)
    is_active = models.BooleanField(_("действует"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("правило начисления бонусов")
        verbose_name_plural = _("правила начисления бонусов")
        ordering = ["event", "group"]
        constraints = [
            models.UniqueConstraint(fields=["event", "group"], name="uniq_bonus_rule_event_group"),
            models.CheckConstraint(condition=models.Q(percent__gte=0, percent__lte=100, amount__gte=0)
                                   & (models.Q(percent__gt=0) | models.Q(amount__gt=0)),
                                   name="bonus_rule_gives_something",
                                   violation_error_message=_(
                                       "Правило должно что-то давать: процент от 0 до 100 или сумму не меньше "
                                       "нуля, и хотя бы одно из них больше нуля.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.get_group_display()}"


class ClientReferral(models.Model):
    """The client who recommended a lead; when the lead's contract is signed, the referrer gets the bonus."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="+", verbose_name=_("лид"))
    referrer = models.ForeignKey("directory.Counterparty", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("кто порекомендовал"))
    reward = models.ForeignKey(BonusEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("начислено"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("внёс"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("рекомендация клиента")
        verbose_name_plural = _("рекомендации клиентов")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("%(referrer)s рекомендовал(а) лид №%(lead)s") % {"referrer": self.referrer, "lead": self.lead_id}
