"""Income and expense plans of an office for a month, by article, with approval (SPEC 5.4.1).

draft / returned → submitted (the office head) → approved (finance) or returned with a comment; an approved plan
is reopened (back to draft, with a reason, audited) before anything in it changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel

MONTH_NAMES = ["", _("январь"), _("февраль"), _("март"), _("апрель"), _("май"), _("июнь"), _("июль"), _("август"),
               _("сентябрь"), _("октябрь"), _("ноябрь"), _("декабрь")]


class BudgetPlan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Черновик")
        SUBMITTED = "submitted", _("На согласовании")
        APPROVED = "approved", _("Утверждён")
        RETURNED = "returned", _("Возвращён на доработку")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    month = models.DateField(_("месяц"), help_text=_("Первое число месяца."))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_comment = models.CharField(_("комментарий финансиста"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("отправил"))
    submitted_at = models.DateTimeField(_("отправлен"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("утвердил"))
    approved_at = models.DateTimeField(_("утверждён"), null=True, blank=True)

    class Meta:
        verbose_name = _("план доходов и расходов")
        verbose_name_plural = _("планы доходов и расходов")
        ordering = ["-month", "office__name"]
        constraints = [models.UniqueConstraint(fields=["office", "month"], name="uniq_budget_plan_office_month")]
        permissions = [
            ("submit_budgetplan", _("Отправляет планы на согласование")),
            ("approve_budgetplan", _("Утверждает, возвращает и открывает заново планы")),
        ]

    def __str__(self) -> str:
        return _("План «%(office)s» на %(month)s") % {"office": self.office.name, "month": self.month_label}

    @property
    def month_label(self) -> str:
        return f"{MONTH_NAMES[self.month.month]} {self.month.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class BudgetPlanLine(models.Model):
    plan = models.ForeignKey(BudgetPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("план"))
    article = models.ForeignKey("finance.Article", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("статья"))
    amount = MoneyField(_("сумма"))

    class Meta:
        verbose_name = _("строка плана")
        verbose_name_plural = _("строки плана")
        ordering = ["article__kind", "article__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "article"], name="uniq_budget_plan_line"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_plan_line_positive",
                                   violation_error_message=_("Сумма строки плана должна быть больше нуля.")),
        ]

    def __str__(self) -> str:
        return f"{self.article}: {self.amount}"
