"""Termination of a contract at the client's request (SPEC 5.6.14): approvals, retention, deadline, refund."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel


class TerminationStepTemplate(models.Model):
    """Who agrees a termination, in which order (e.g. lawyer → office head → finance)."""

    order = models.PositiveSmallIntegerField(_("порядок"), unique=True)
    title = models.CharField(_("шаг"), max_length=200)
    group = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("кто согласует"))

    class Meta:
        verbose_name = _("шаг согласования расторжения")
        verbose_name_plural = _("шаги согласования расторжения")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class TerminationRequest(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("На согласовании")
        TERMINATED = "terminated", _("Договор расторгнут")
        RETURNED = "returned", _("Клиент остался, договор в работе")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="termination_requests",
                                 verbose_name=_("договор"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.OPEN)
    received_on = models.DateField(_("заявление получено"))
    reason = models.TextField(_("причина со слов клиента"))
    decision_due_on = models.DateField(_("ответить до"))
    is_overdue = models.BooleanField(_("просрочено"), default=False, db_index=True)
    retention_attempt = models.TextField(_("попытка удержания"), blank=True)
    retention_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("удерживал"))
    retention_at = models.DateTimeField(_("когда удерживали"), null=True, blank=True)
    paid_amount = MoneyField(_("оплачено клиентом"), null=True, blank=True)
    accepted_work_amount = MoneyField(_("принятые работы"), null=True, blank=True)
    refund_amount = MoneyField(_("к возврату"), null=True, blank=True)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("принял решение"))
    decision_note = models.TextField(_("комментарий к решению"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("зарегистрировал"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("заявление о расторжении")
        verbose_name_plural = _("заявления о расторжении")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "decision_due_on"], name="termination_due_idx")]
        permissions = [("approve_termination", _("Согласует шаги расторжения договоров")),
                       ("decide_termination", _("Принимает решение по заявлению о расторжении"))]

    def __str__(self) -> str:
        return f"{self.contract} — {self.received_on:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        """Waiting for the decision: steps are approved and the request is changed only while open."""
        return self.status == self.Status.OPEN

    @property
    def owed_by_client(self):
        """What the client still owes at the decision — the accepted work beyond what was paid — or None (nothing
        owed, or not decided): billing issues it as the termination's debt invoice."""
        if self.accepted_work_amount is None or self.paid_amount is None:
            return None
        owed = self.accepted_work_amount - self.paid_amount
        return owed if owed > 0 else None


class TerminationStep(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Ожидает")
        APPROVED = "approved", _("Согласовано")

    request = models.ForeignKey(TerminationRequest, on_delete=models.CASCADE, related_name="steps",
                                verbose_name=_("заявление"))
    order = models.PositiveSmallIntegerField(_("порядок"))
    title = models.CharField(_("шаг"), max_length=200)
    group = models.ForeignKey("auth.Group", on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("кто согласует"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("согласовал"))
    decided_at = models.DateTimeField(_("когда"), null=True, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)

    class Meta:
        verbose_name = _("шаг согласования")
        verbose_name_plural = _("шаги согласования")
        ordering = ["request", "order"]
        constraints = [models.UniqueConstraint(fields=["request", "order"], name="uniq_termination_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def approvable_by(self, user) -> bool:
        """The step's group agrees it (a superuser may stand in); the right and the order are checked apart."""
        return user.is_superuser or user.groups.filter(pk=self.group_id).exists()
