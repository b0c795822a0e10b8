"""Where new leads go: distribution rules, assignment log, the intake settings."""

import functools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.validators import PHONE_CHARS
from legal_crm.org.models import TIME_ZONES

_REGION_WORDS = (("область", "обл"), ("республика", "респ"), ("автономный округ", "ао"))


@functools.lru_cache(maxsize=1024)
def normalize_prefix(value: str) -> str | None:
    """A number prefix as staff type it → the E.164 prefix form (`8 (351)`, `+7 351`, `7351`, `351` → `+7351`);
    None when it is not the beginning of a phone number. Empty stays empty (no condition).

    Without "+", a leading 8 or 7 of four or more digits is the trunk / country code; shorter is an area code."""
    value = (value or "").strip()
    if not value:
        return ""
    if not PHONE_CHARS.fullmatch(value):
        return None
    ds = "".join(ch for ch in value if ch.isdigit())
    if not ds or "+" in value[1:]:
        return None
    if value.startswith("+"):
        prefix = "+" + ds
    elif len(ds) >= 4 and ds[0] in "78":
        prefix = "+7" + ds[1:]
    else:
        prefix = "+7" + ds
    return prefix if len(prefix) <= 16 else None


@functools.lru_cache(maxsize=1024)
def normalize_region(value: str) -> str:
    """«Челябинская область», «челябинская обл.» and «Челябинская обл» all read «челябинская обл»."""
    text = (value or "").lower().replace("ё", "е").replace(".", " ")
    for word, short in _REGION_WORDS:
        text = re.sub(rf"\b{word}\b", short, text)
    return " ".join(text.split())


class DistributionRule(models.Model):
    """Send matching leads to an office. Rules are tried by `priority`; empty conditions match anything."""

    name = models.CharField(_("название"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("приоритет"), default=100,
                                                help_text=_("Меньше — проверяется раньше."))
    phone_prefix = models.CharField(_("префикс номера"), max_length=16, blank=True,
                                    help_text=_("Например, +7343 или +7913."))
    time_zone = models.CharField(_("часовой пояс номера"), max_length=64, blank=True, choices=TIME_ZONES)
    region = models.CharField(_("регион номера"), max_length=100, blank=True,
                              help_text=_("Как его называет справочник номеров, например «Свердловская обл.»."))
    lead_type = models.ForeignKey("leads.LeadType", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("тип лида"))
    source = models.ForeignKey("marketing.AdSource", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("источник"))
    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("офис"))
    only_working_hours = models.BooleanField(
        _("только в часы работы"), default=True,
        help_text=_("Когда офис закрыт, правило пропускается и лид ищет другой офис."),
    )
    is_active = models.BooleanField(_("включено"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("правило распределения")
        verbose_name_plural = _("правила распределения")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Rows written without clean() (imports, the shell) are stored in the same form the matching compares.
        self.phone_prefix = normalize_prefix(self.phone_prefix) or self.phone_prefix
        super().save(*args, **kwargs)

    def clean(self):
        prefix = normalize_prefix(self.phone_prefix)
        if prefix is None:
            raise ValidationError({"phone_prefix": _("Префикс — начало номера цифрами, например +7343, 8 (351) или "
                                                     "+7 913.")})
        self.phone_prefix = prefix
        self.region = " ".join((self.region or "").split())


class AssignmentLog(models.Model):
    class Reason(models.TextChoices):
        AUTO = "auto", _("Автоматически")
        MANUAL = "manual", _("Вручную")
        REENGAGE = "reengage", _("Возврат в работу")
        REOPEN = "reopen", _("Повторное обращение")

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="assignments",
                             verbose_name=_("лид"))
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("офис"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("ответственный"))
    previous_office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("прежний офис"))
    previous_assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+",
                                             verbose_name=_("прежний ответственный"))
    reason = models.CharField(_("основание"), max_length=10, choices=Reason.choices, default=Reason.AUTO)
    rule = models.ForeignKey(DistributionRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("правило"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("кто назначил"))
    comment = models.CharField(_("комментарий"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("назначение лида")
        verbose_name_plural = _("журнал назначений")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["lead", "-at"], name="lead_assign_lead_at"),
            # the daily violations job reads a day's assignments by time («лид не взят в работу»,
            # leads/selectors/lateness.py); without it that read scans the whole journal
            models.Index(fields=["at"], name="lead_assign_at"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.office} / {self.assigned_to}"


class LeadSettings(models.Model):
    """The one row of intake settings (a singleton: always pk=1)."""

    dedup_window_hours = models.PositiveIntegerField(
        _("окно дедупликации, часов"), default=24,
        help_text=_("Заявка с тем же номером в пределах окна добавляется к существующему лиду."),
    )
    max_open_leads_per_operator = models.PositiveIntegerField(
        _("лимит открытых лидов на оператора"), default=0, help_text=_("0 — без лимита."),
    )
    default_office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("офис по умолчанию"),
                                       help_text=_("Куда идут лиды, если не подошло ни одно правило и офис."))
    spam_defaults_version = models.PositiveSmallIntegerField(
        _("установленные правила спама по умолчанию"), default=0, editable=False,
        help_text=_("Какой набор правил спама по умолчанию уже установлен: его правила не создаются заново, "
                    "даже если администратор их изменил или удалил."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("настройки приёма лидов")
        verbose_name_plural = _("настройки приёма лидов")

    def __str__(self) -> str:
        return str(_("Настройки приёма лидов"))

    @classmethod
    def load(cls) -> "LeadSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
