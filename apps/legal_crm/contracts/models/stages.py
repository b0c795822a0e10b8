"""Work stages: the template of a service and the stages of a contract with expenses and extra work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money
from legal_crm.core.models import TimeStampedModel


class StageTemplate(models.Model):
    """One step of a service's work (SPEC 6.5.3); contract stages are copied from these."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="stage_templates",
                                verbose_name=_("услуга"))
    order = models.PositiveSmallIntegerField(_("порядок"))
    name = models.CharField(_("название"), max_length=200)
    planned_days = models.PositiveSmallIntegerField(_("плановая длительность, дней"), default=0)
    is_optional = models.BooleanField(_("необязательный"), default=False,
                                      help_text=_("Этап бывает не в каждом деле (например, торги)."))
    client_visible = models.BooleanField(_("виден клиенту"), default=True)
    client_title = models.CharField(_("как видит клиент"), max_length=200, blank=True,
                                    help_text=_("Понятная клиенту формулировка; пусто — название этапа."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("этап услуги")
        verbose_name_plural = _("этапы услуг")
        ordering = ["service", "order"]
        constraints = [models.UniqueConstraint(fields=["service", "order"], name="uniq_stage_template_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class ContractStage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Предстоит")
        IN_PROGRESS = "in_progress", _("Идёт")
        DONE = "done", _("Завершён")
        SKIPPED = "skipped", _("Пропущен")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="stages",
                                 verbose_name=_("договор"))
    template = models.ForeignKey(StageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("шаблон"))
    order = models.PositiveSmallIntegerField(_("порядок"))
    name = models.CharField(_("название"), max_length=200)
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.PENDING)
    planned_days = models.PositiveSmallIntegerField(_("плановая длительность, дней"), default=0)
    is_optional = models.BooleanField(_("необязательный"), default=False)
    client_visible = models.BooleanField(_("виден клиенту"), default=True)
    client_title = models.CharField(_("как видит клиент"), max_length=200, blank=True)
    due_on = models.DateField(_("срок"), null=True, blank=True)
    started_at = models.DateTimeField(_("начат"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершён"), null=True, blank=True)
    note = models.TextField(_("примечание"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("этап работ")
        verbose_name_plural = _("этапы работ")
        ordering = ["contract", "order"]
        constraints = [models.UniqueConstraint(fields=["contract", "order"], name="uniq_contract_stage_order")]
        indexes = [models.Index(fields=["status", "due_on"], name="contract_stage_due_idx")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.SKIPPED)


class StageExpense(TimeStampedModel):
    """Money spent on a stage: state fee, court deposit, publication, postage (SPEC 5.3.2)."""

    stage = models.ForeignKey(ContractStage, on_delete=models.CASCADE, related_name="expenses",
                              verbose_name=_("этап"))
    title = models.CharField(_("расход"), max_length=200)
    amount = MoneyField(_("сумма"))
    spent_on = models.DateField(_("дата"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("кто внёс"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("расход по этапу")
        verbose_name_plural = _("расходы по этапам")
        ordering = ["spent_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="stage_expense_positive",
                                              violation_error_message=_("Сумма расхода должна быть больше нуля."))]

    def __str__(self) -> str:
        return f"{self.title}: {format_money(self.amount)}"


class ExtraWork(TimeStampedModel):
    """Work done beyond the contract's scope, recorded on a stage (SPEC 5.3.2)."""

    stage = models.ForeignKey(ContractStage, on_delete=models.CASCADE, related_name="extra_work",
                              verbose_name=_("этап"))
    description = models.CharField(_("что сделано"), max_length=500)
    amount = MoneyField(_("стоимость"), default=0, help_text=_("0 — без доплаты."))
    done_on = models.DateField(_("дата"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("кто внёс"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("дополнительная работа")
        verbose_name_plural = _("дополнительные работы")
        ordering = ["done_on", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(amount__gte=0), name="extra_work_non_negative",
            violation_error_message=_("Стоимость дополнительной работы не может быть отрицательной."))]

    def __str__(self) -> str:
        return self.description
