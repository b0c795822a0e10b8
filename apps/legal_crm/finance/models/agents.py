"""Partner agents' payouts (SPEC 5.4.9): a rule per partner of the agents' programme (marketing.Partner) and the
accruals on the payments of the clients they brought (the contract's lead came from the partner). An accrual goes
accrued → approved → paid; a refund of the payment writes a negative accrual (a reversal), never an edit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class AgentRule(TimeStampedModel):
    partner = models.OneToOneField("marketing.Partner", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("агент (партнёр)"))
    percent = models.DecimalField(_("% от оплат клиентов"), max_digits=5, decimal_places=2)
    is_active = models.BooleanField(_("действует"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("правило вознаграждения агента")
        verbose_name_plural = _("правила вознаграждения агентов")
        ordering = ["partner__name"]
        constraints = [models.CheckConstraint(condition=models.Q(percent__gt=0, percent__lte=100),
                                              name="agent_rule_percent_range",
                                              violation_error_message=_("Процент агента — больше 0 и не "
                                                                        "больше 100."))]

    def __str__(self) -> str:
        return f"{self.partner}: {self.percent.normalize():f} %".replace(".", ",")


class AgentAccrual(TimeStampedModel):
    class Status(models.TextChoices):
        ACCRUED = "accrued", _("Начислено")
        APPROVED = "approved", _("Согласовано")
        PAID = "paid", _("Выплачено")

    partner = models.ForeignKey("marketing.Partner", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("агент (партнёр)"))
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("договор"))
    payment = models.ForeignKey("billing.Payment", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("платёж клиента"))
    refund = models.OneToOneField("billing.Refund", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("возврат"))
    # "p<payment id>" for the accrual, "r<refund id>" for a reversal: each once (a handler may run twice)
    key = models.CharField(_("ключ"), max_length=24, unique=True, editable=False)
    base = MoneyField(_("база"))
    amount = MoneyField(_("вознаграждение"), help_text=_("Отрицательно у сторно по возврату."))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.ACCRUED)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("согласовал"))
    approved_at = models.DateTimeField(_("согласовано"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("выплатил"))
    paid_at = models.DateTimeField(_("выплачено"), null=True, blank=True)

    class Meta:
        verbose_name = _("начисление агенту")
        verbose_name_plural = _("начисления агентам")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="agent_accrual_amount_nonzero",
                                   violation_error_message=_("Сумма вознаграждения не может быть нулевой.")),
        ]
        indexes = [models.Index(fields=["partner", "status"], name="agent_accrual_partner_idx")]
        permissions = [("approve_agentaccrual", _("Согласует вознаграждения агентов")),
                       ("pay_agentaccrual", _("Отмечает выплату вознаграждений агентам"))]

    def __str__(self) -> str:
        return f"{self.partner}: {format_money(self.amount)}"
