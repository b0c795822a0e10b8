"""Service-specific fields of a contract's general information (SPEC 5.3.1), defined per service."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.directory.models import Service


class ServiceField(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Текст")
        NUMBER = "number", _("Число")
        MONEY = "money", _("Сумма")
        DATE = "date", _("Дата")
        BOOL = "bool", _("Да/нет")
        CHOICE = "choice", _("Выбор из списка")

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="contract_fields",
                                verbose_name=_("услуга"))
    code = models.SlugField(_("код"), max_length=50)
    label = models.CharField(_("подпись"), max_length=200)
    kind = models.CharField(_("тип"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(_("варианты"), blank=True, help_text=_("Для выбора из списка: по одному в строке."))
    required = models.BooleanField(_("обязательное"), default=False)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("поле услуги")
        verbose_name_plural = _("поля услуг")
        ordering = ["service", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="uniq_service_field_code")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ServiceSettings(Service):
    """The service catalogue as contracts see it: stages, documents, fields, contract counts (SPEC 6.5.3)."""

    class Meta:
        proxy = True
        verbose_name = _("услуга: настройка исполнения")
        verbose_name_plural = _("услуги: настройка исполнения")
