"""Planned calls to leads: the operator's agenda and the overdue-calls report."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class PlannedCallQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, now=None):
        return self.filter(done_at__isnull=True, due_at__lt=now or timezone.now())


class PlannedCall(TimeStampedModel):
    class Result(models.TextChoices):
        REACHED = "reached", _("Дозвонились")
        NO_ANSWER = "no_answer", _("Не ответил")
        BUSY = "busy", _("Занято")
        WRONG_NUMBER = "wrong_number", _("Неверный номер")
        CALL_BACK = "call_back", _("Просил перезвонить")
        CANCELLED = "cancelled", _("Отменён")

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="planned_calls",
                             verbose_name=_("лид"))
    due_at = models.DateTimeField(_("когда позвонить"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="planned_calls", verbose_name=_("кто звонит"))
    done_at = models.DateTimeField(_("выполнен"), null=True, blank=True)
    result = models.CharField(_("результат"), max_length=16, choices=Result.choices, blank=True)
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("запланировал"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    objects = PlannedCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("запланированный звонок")
        verbose_name_plural = _("запланированные звонки")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"], name="plannedcall_agenda"),
            models.Index(fields=["done_at", "due_at"], name="plannedcall_overdue"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} — {timezone.localtime(self.due_at):%d.%m.%Y %H:%M}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()
