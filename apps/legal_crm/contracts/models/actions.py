"""Actions: the log of work done on a contract, some of it mirrored to the client's portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class ActionType(models.Model):
    """A kind of action (SPEC 6.5.3): what it means, what the client is told, where it is available."""

    code = models.SlugField(_("код"), max_length=50, unique=True)
    name = models.CharField(_("название"), max_length=200, unique=True)
    description = models.TextField(_("описание"), blank=True)
    notification_text = models.TextField(
        _("текст уведомления"), blank=True,
        help_text=_("Что получит клиент при публикации; можно использовать {contract}, {date}, {text}."))
    services = models.ManyToManyField("directory.Service", blank=True, related_name="action_types",
                                      verbose_name=_("услуги"), help_text=_("Пусто — доступно во всех услугах."))
    publish_to_portal = models.BooleanField(_("публиковать в личном кабинете"), default=False)
    is_active = models.BooleanField(_("используется"), default=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        verbose_name = _("тип действия")
        verbose_name_plural = _("типы действий")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ContractAction(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="actions",
                                 verbose_name=_("договор"))
    action_type = models.ForeignKey(ActionType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("тип действия"))
    text = models.TextField(_("что сделано"), blank=True)
    happened_on = models.DateField(_("дата"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("автор"))
    published_to_portal = models.BooleanField(_("опубликовано клиенту"), default=False)
    published_at = models.DateTimeField(_("опубликовано"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("действие по договору")
        verbose_name_plural = _("действия по договорам")
        ordering = ["-happened_on", "-id"]
        indexes = [
            models.Index(fields=["contract", "-happened_on", "-id"], name="contract_action_list_idx"),
            models.Index(fields=["contract", "published_to_portal"], name="contract_action_portal_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.happened_on:%d.%m.%Y} {self.action_type}"
