"""Message templates and the tags administrators define (a value per region, e.g. «телефон горячей линии»)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.models import TimeStampedModel
from legal_crm.core.regions import REGIONS

from .outbox import Kind

TAG_CODE_HELP = _("Латиница, цифры и «_», с буквы: в тексте пишется как {код}.")


class CustomTag(TimeStampedModel):
    """A tag with a default value and values per region; the region is the client's or the office's."""

    class RegionSource(models.TextChoices):
        CLIENT = "client", _("регион клиента")
        OFFICE = "office", _("регион офиса")

    code = models.CharField(_("код"), max_length=50, unique=True, help_text=TAG_CODE_HELP)
    label = models.CharField(_("название"), max_length=100)
    default_value = models.CharField(_("значение по умолчанию"), max_length=500, blank=True,
                                     help_text=_("Для регионов без своего значения."))
    region_source = models.CharField(_("регион берётся"), max_length=6, choices=RegionSource.choices,
                                     default=RegionSource.CLIENT)

    class Meta:
        verbose_name = _("метка сообщений")
        verbose_name_plural = _("метки сообщений")
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.label} {{{self.code}}}"


class CustomTagValue(models.Model):
    tag = models.ForeignKey(CustomTag, on_delete=models.CASCADE, related_name="values", verbose_name=_("метка"))
    region = models.CharField(_("регион"), max_length=2, choices=REGIONS)
    value = models.CharField(_("значение"), max_length=500)

    class Meta:
        verbose_name = _("региональное значение метки")
        verbose_name_plural = _("региональные значения метки")
        ordering = ["region"]
        constraints = [models.UniqueConstraint(fields=["tag", "region"], name="uniq_custom_tag_region")]

    def __str__(self) -> str:
        return f"{self.get_region_display()}: {self.value}"


class MessageTemplate(TimeStampedModel):
    """A text with tags that staff, call scripts and campaigns send; office empty — for all offices."""

    name = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("канал"), max_length=10, choices=Kind.choices, default=Kind.SMS)
    text = models.TextField(_("текст"))
    is_advertising = models.BooleanField(
        _("реклама"), default=False,
        help_text=_("Рекламное сообщение уходит только давшим согласие и не отказавшимся от рассылок (38-ФЗ)."))
    is_active = models.BooleanField(_("действует"), default=True)
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"), help_text=_("Пусто — для всех офисов."))

    class Meta:
        verbose_name = _("шаблон сообщения")
        verbose_name_plural = _("шаблоны сообщений")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
