"""Configurable spam rules checked on every incoming lead (SPEC 5.2.1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SpamRule(models.Model):
    class Kind(models.TextChoices):
        PHONE_BLACKLIST = "phone_blacklist", _("Номер в чёрном списке")
        NAME_BLACKLIST = "name_blacklist", _("Имя в чёрном списке")
        STOP_WORD = "stop_word", _("Стоп-слово в имени или комментарии")
        NOT_MOBILE = "not_mobile", _("Не мобильный номер, где ожидается мобильный")
        INVALID_NUMBER = "invalid_number", _("Несуществующий номер")
        PHONE_FLOOD = "phone_flood", _("Много заявок с одного номера")
        PARTNER_FLOOD = "partner_flood", _("Много заявок от одного партнёра")

    name = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, db_index=True)
    value = models.CharField(
        _("значение"), max_length=300, blank=True,
        help_text=_("Номер, имя или стоп-слово (для чёрных списков и стоп-слов)."),
    )
    threshold = models.PositiveIntegerField(_("порог, заявок"), null=True, blank=True,
                                            help_text=_("Для флуда: больше скольких заявок — спам."))
    window_minutes = models.PositiveIntegerField(_("окно, минут"), null=True, blank=True,
                                                 help_text=_("Для флуда: за сколько минут считать заявки."))
    partner = models.ForeignKey("marketing.Partner", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+", verbose_name=_("партнёр"),
                                help_text=_("Для флуда от партнёра: пусто — любой партнёр."))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("включено"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("правило спама")
        verbose_name_plural = _("правила спама")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name
