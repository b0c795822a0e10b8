"""Client complaints about staff, filed on a contract (SPEC 7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class Complaint(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("Новая")
        IN_WORK = "in_work", _("В работе")
        CLOSED = "closed", _("Закрыта")

    class Source(models.TextChoices):
        OFFICE = "office", _("В офисе")
        PHONE = "phone", _("По телефону")
        PORTAL = "portal", _("В личном кабинете")
        EMAIL = "email", _("Письмом")
        REVIEW = "review", _("Из отзыва")

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="complaints",
                                 verbose_name=_("договор"))
    source = models.CharField(_("как поступила"), max_length=16, choices=Source.choices, default=Source.OFFICE)
    complainant = models.CharField(_("кто жалуется"), max_length=300,
                                   help_text=_("Пусто — клиент по договору."))
    about_employee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="complaints_about", verbose_name=_("на кого жалоба"))
    text = models.TextField(_("суть жалобы"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.NEW)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaints_responsible", verbose_name=_("ответственный"))
    deadline = models.DateField(_("срок ответа"))
    resolution = models.TextField(_("решение"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("принял"))
    assigned_at = models.DateTimeField(_("назначена"), null=True, blank=True)
    closed_at = models.DateTimeField(_("закрыта"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("закрыл"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("жалоба")
        verbose_name_plural = _("жалобы")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="complaint_status_deadline_idx"),
            models.Index(fields=["responsible", "status"], name="complaint_responsible_idx"),
        ]
        permissions = [
            ("assign_complaint", _("Назначает ответственных по жалобам и закрывает любые жалобы")),
        ]

    def __str__(self) -> str:
        return _("Жалоба №%(id)s по договору %(contract)s") % {"id": self.pk, "contract": self.contract}

    @property
    def is_overdue(self) -> bool:
        return self.status != self.Status.CLOSED and self.deadline < timezone.localdate()


from .models_reviews import Review, ReviewRequest, ReviewRequestRule  # noqa: E402,F401  (reviews: models_reviews.py)
from .violations.models import Violation, ViolationPause, ViolationRule  # noqa: E402, F401 - label «quality»
