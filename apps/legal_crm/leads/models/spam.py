"""Configurable spam rules checked on every incoming lead (SPEC 5.2.1)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.validators import normalize_phone


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

    FLOODS = (Kind.PHONE_FLOOD, Kind.PARTNER_FLOOD)
    NEEDS_VALUE = (Kind.PHONE_BLACKLIST, Kind.NAME_BLACKLIST, Kind.STOP_WORD)

    def clean(self):
        errors = {}
        value = (self.value or "").strip()
        if self.kind in self.NEEDS_VALUE and not value:
            errors["value"] = _("Для правила «%(kind)s» укажите значение.") % {"kind": self.get_kind_display()}
        elif self.kind == self.Kind.PHONE_BLACKLIST:
            phone = normalize_phone(value)
            if phone is None:
                errors["value"] = _("«%(v)s» — не номер телефона. Пример: +7 916 123-45-67.") % {"v": value}
            else:
                self.value = phone  # stored as E.164, the form the spam check compares with
        if self.kind in self.FLOODS:
            # Empty keeps meaning "the default" (services/spam.py) for the rows saved before; an explicit 0
            # is a mistake, not a request for the default.
            if self.threshold is not None and self.threshold < 1:
                errors["threshold"] = _("Порог — не меньше 1 заявки (пусто — порог по умолчанию).")
            if self.window_minutes is not None and self.window_minutes < 1:
                errors["window_minutes"] = _("Окно — не меньше 1 минуты (пусто — окно по умолчанию).")
        else:
            # An error rather than clearing silently: a threshold typed on the wrong kind usually means the
            # kind was picked by mistake, and the person should see it before the rule goes live.
            if self.threshold is not None:
                errors["threshold"] = _("Порог задаётся только правилам флуда.")
            if self.window_minutes is not None:
                errors["window_minutes"] = _("Окно задаётся только правилам флуда.")
        if self.partner_id and self.kind != self.Kind.PARTNER_FLOOD:
            errors["partner"] = _("Партнёр задаётся только правилу «Много заявок от одного партнёра».")
        if errors:
            raise ValidationError(errors)
