"""Payroll (SPEC 5.4.8): rules per position, a run per office and period with its lines, approved once.

A rule belongs to a position, for every office or for one (the office's own rule wins). A run is computed from
the rules and the period's figures (finance/services/payroll.py); each line keeps its explanation as computed
(«2 % от оплат по договорам: 12 340,00 ₽ — 14 платежей на 617 000,00 ₽»), so an approved run reads the same
later, whatever happens to the rules."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel

PERCENT = {"max_digits": 5, "decimal_places": 2, "default": 0}


class PayrollRule(TimeStampedModel):
    position = models.ForeignKey("org.Position", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("должность"))
    office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("офис"), help_text=_("Пусто — для всех офисов без своего правила."))
    salary = MoneyField(_("оклад в месяц"), default=0)
    revenue_percent = models.DecimalField(_("% от выручки офиса"), **PERCENT)
    sales_percent = models.DecimalField(_("% от продаж"), **PERCENT,
                                        help_text=_("От стоимости договоров, подписанных за период, где сотрудник — "
                                                    "продавец."))
    payments_percent = models.DecimalField(_("% от оплат по договорам"), **PERCENT,
                                           help_text=_("От оплат за период по договорам, которые сотрудник продал "
                                                       "или ведёт как юрист."))
    violation_deduction = MoneyField(_("удержание за нарушение"), default=0,
                                     help_text=_("Если у нарушения нет своей суммы удержания."))
    is_active = models.BooleanField(_("действует"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("правило начисления зарплаты")
        verbose_name_plural = _("правила начисления зарплаты")
        ordering = ["position__name", "office__name"]
        constraints = [
            models.UniqueConstraint(fields=["position", "office"], name="uniq_payroll_rule_position_office"),
            models.CheckConstraint(condition=models.Q(salary__gte=0) & models.Q(violation_deduction__gte=0),
                                   name="payroll_rule_money_non_negative",
                                   violation_error_message=_("Оклад и удержание за нарушения не могут быть "
                                                             "отрицательными.")),
            models.CheckConstraint(
                condition=models.Q(revenue_percent__gte=0, revenue_percent__lte=100, sales_percent__gte=0,
                                   sales_percent__lte=100, payments_percent__gte=0, payments_percent__lte=100),
                name="payroll_rule_percent_range",
                violation_error_message=_("Проценты от выручки, продаж и оплат — от 0 до 100.")),
        ]

    def __str__(self) -> str:
        where = self.office.name if self.office_id else _("все офисы")
        return f"{self.position} — {where}"

    def clean(self):
        # A unique constraint does not stop two «all offices» rules (NULL office): checked here.
        if self.position_id and self.office_id is None:
            twin = PayrollRule.objects.filter(position_id=self.position_id, office__isnull=True).exclude(pk=self.pk)
            if twin.exists():
                raise ValidationError({"office": _("Общее правило для этой должности уже есть.")})


class PayrollKpi(models.Model):
    """A fixed bonus when the employee's figure for the period reaches the threshold."""

    class Metric(models.TextChoices):
        SALES_COUNT = "sales_count", _("Подписано договоров")
        SALES_AMOUNT = "sales_amount", _("Сумма продаж")
        PAYMENTS_AMOUNT = "payments_amount", _("Сумма оплат по договорам")

    rule = models.ForeignKey(PayrollRule, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("правило"))
    metric = models.CharField(_("показатель"), max_length=16, choices=Metric.choices)
    threshold = models.DecimalField(_("не меньше"), max_digits=14, decimal_places=2)
    bonus = MoneyField(_("премия"))

    class Meta:
        verbose_name = _("премия за показатель")
        verbose_name_plural = _("премии за показатели")
        ordering = ["rule", "metric", "threshold"]
        constraints = [
            models.CheckConstraint(condition=models.Q(threshold__gt=0) & models.Q(bonus__gt=0),
                                   name="payroll_kpi_positive",
                                   violation_error_message=_("Порог и премия KPI должны быть больше нуля.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.threshold}: {format_money(self.bonus)}"


class PayrollRun(TimeStampedModel):
    class Status(models.TextChoices):
        CALCULATED = "calculated", _("Рассчитана")
        APPROVED = "approved", _("Утверждена")

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    date_from = models.DateField(_("с"))
    date_to = models.DateField(_("по"))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.CALCULATED)
    total = MoneyField(_("к выплате"), default=0)
    employees = models.PositiveIntegerField(_("сотрудников"), default=0)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("рассчитал"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("утвердил"))
    approved_at = models.DateTimeField(_("утверждена"), null=True, blank=True)
    posting = models.UUIDField(_("проводка в учёте"), null=True, blank=True, unique=True,
                               help_text=_("Одна на ведомость: повторное утверждение ничего не проводит."))

    class Meta:
        verbose_name = _("расчёт зарплаты")
        verbose_name_plural = _("расчёты зарплаты")
        ordering = ["-date_from", "office__name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date_from", "date_to"], name="uniq_payroll_run_period"),
            models.CheckConstraint(condition=models.Q(date_to__gte=models.F("date_from")),
                                   name="payroll_run_period_order",
                                   violation_error_message=_("Конец периода расчёта не может быть раньше "
                                                             "начала.")),
        ]
        permissions = [("approve_payrollrun", _("Утверждает расчёты зарплаты"))]

    def __str__(self) -> str:
        return _("Зарплата: %(office)s, %(start)s — %(end)s") % {
            "office": self.office, "start": f"{self.date_from:%d.%m.%Y}", "end": f"{self.date_to:%d.%m.%Y}"}

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class PayrollLine(models.Model):
    class Kind(models.TextChoices):
        SALARY = "salary", _("Оклад")
        REVENUE = "revenue", _("% от выручки")
        SALES = "sales", _("% от продаж")
        PAYMENTS = "payments", _("% от оплат")
        KPI = "kpi", _("Премия за показатель")
        DEDUCTION = "deduction", _("Удержание")

    run = models.ForeignKey(PayrollRun, on_delete=models.CASCADE, related_name="lines", verbose_name=_("расчёт"))
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("сотрудник"))
    position = models.ForeignKey("org.Position", null=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("должность"))
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    amount = MoneyField(_("сумма"), help_text=_("Удержания отрицательны."))
    base = MoneyField(_("база"), null=True, blank=True)
    count = models.PositiveIntegerField(_("количество"), null=True, blank=True)
    explanation = models.CharField(_("как посчитано"), max_length=300)

    class Meta:
        verbose_name = _("строка расчёта зарплаты")
        verbose_name_plural = _("строки расчёта зарплаты")
        ordering = ["run", "employee_id", "id"]
        indexes = [models.Index(fields=["employee", "run"], name="payroll_line_employee_idx")]

    def __str__(self) -> str:
        return self.explanation
