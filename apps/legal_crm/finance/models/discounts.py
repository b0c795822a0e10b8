"""Discount schemes per service (SPEC 5.4.10) and the discounts given on contracts.

A scheme says how much may be taken off a service (a percent or roubles), when, by whom (groups; none = anybody
who makes contracts) and up to what size without approval. The discount is applied when the contract is made
(contracts' creation service asks finance through hooks.CONTRACT_DISCOUNT) and kept here with the list price."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class DiscountScheme(TimeStampedModel):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Процент")
        AMOUNT = "amount", _("Сумма")

    name = models.CharField(_("название"), max_length=200)
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("услуга"))
    kind = models.CharField(_("вид"), max_length=8, choices=Kind.choices, default=Kind.PERCENT)
    max_value = models.DecimalField(_("наибольшая скидка"), max_digits=14, decimal_places=2,
                                    help_text=_("В процентах или рублях — по виду скидки."))
    max_without_approval = models.DecimalField(_("без согласования до"), max_digits=14, decimal_places=2,
                                               default=0, help_text=_("Больше — только с согласованием."))
    valid_from = models.DateField(_("действует с"))
    valid_until = models.DateField(_("действует по"), null=True, blank=True, help_text=_("Пусто — бессрочно."))
    grantor_groups = models.ManyToManyField("auth.Group", blank=True, related_name="+",
                                            verbose_name=_("кто может дать"),
                                            help_text=_("Пусто — любой, кто оформляет договоры."))
    is_active = models.BooleanField(_("действует"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], m2m_fields=[grantor_groups])

    class Meta:
        verbose_name = _("схема скидок")
        verbose_name_plural = _("схемы скидок")
        ordering = ["service__name", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_value__gt=0), name="discount_scheme_max_positive",
                                   violation_error_message=_("Наибольшая скидка должна быть больше нуля.")),
            models.CheckConstraint(
                condition=models.Q(max_without_approval__gte=0) & models.Q(max_without_approval__lte=models.F(
                    "max_value")), name="discount_scheme_free_within_max",
                    violation_error_message=_("Скидка без согласования — от нуля до наибольшей скидки.")),
            models.CheckConstraint(condition=~models.Q(kind="percent") | models.Q(max_value__lt=100),
                                   name="discount_scheme_percent_below_100",
                                   violation_error_message=_("Скидка в процентах должна быть меньше 100 %.")),
        ]
        permissions = [("approve_discount", _("Согласует скидки сверх лимита без согласования"))]

    def __str__(self) -> str:
        return f"{self.name} — {self.value_text(self.max_value)}"

    def value_text(self, value) -> str:
        if self.kind == self.Kind.PERCENT:
            return f"{value.normalize():f} %".replace(".", ",")
        return format_money(value)


class ContractDiscount(models.Model):
    contract = models.OneToOneField("contracts.Contract", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("договор"))
    scheme = models.ForeignKey(DiscountScheme, on_delete=models.PROTECT, related_name="given",
                               verbose_name=_("схема"))
    value = models.DecimalField(_("скидка по схеме"), max_digits=14, decimal_places=2)
    list_price = MoneyField(_("цена без скидки"))
    amount = MoneyField(_("скидка, ₽"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("дал"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("согласовал"))
    created_at = models.DateTimeField(_("дана"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("скидка по договору")
        verbose_name_plural = _("скидки по договорам")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0) & models.Q(amount__lt=models.F("list_price")),
                                   name="contract_discount_within_price",
                                   violation_error_message=_("Скидка должна быть больше нуля и меньше цены "
                                                             "по прайсу.")),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name}: {format_money(self.amount)}"
