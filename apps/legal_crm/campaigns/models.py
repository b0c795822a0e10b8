"""Mass campaigns (SPEC 5.1.1): an audience chosen by filters over leads and clients, frozen into recipients at the
start, then queued into messaging's outbox batch by batch within the day limit, the weekdays and the recipient's
local sending hours (campaigns/dispatch.py)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel

WEEKDAY_NAMES = [_("пн"), _("вт"), _("ср"), _("чт"), _("пт"), _("сб"), _("вс")]
# A day's limit of messages: a typo of extra zeros (99 999 999 999 999) is no limit and overflowed MariaDB's column.
DAILY_LIMIT_MIN, DAILY_LIMIT_MAX = 1, 1_000_000
DAILY_LIMIT_ERROR = _("Лимит в день — от 1 до 1 000 000 сообщений, или оставьте поле пустым: без лимита.")


class Campaign(TimeStampedModel):
    class Kind(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Черновик")
        SCHEDULED = "scheduled", _("Запланирована")
        RUNNING = "running", _("Идёт")
        PAUSED = "paused", _("Приостановлена")
        FINISHED = "finished", _("Завершена")
        CANCELLED = "cancelled", _("Отменена")

    class Audience(models.TextChoices):
        LEADS = "leads", _("Лиды")
        CLIENTS = "clients", _("Клиенты")
        BOTH = "both", _("Лиды и клиенты")

    name = models.CharField(_("название"), max_length=200)
    office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("офис"), help_text=_("Пусто — все офисы, доступные автору."))
    kind = models.CharField(_("канал"), max_length=10, choices=Kind.choices, default=Kind.SMS)
    text = models.TextField(_("текст"), blank=True,
                            help_text=_("Подстановки в фигурных скобках, например {name}, {unsubscribe_link}."))
    template = models.ForeignKey("messaging.MessageTemplate", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("шаблон"),
                                 help_text=_("Текст шаблона, если своё поле «текст» пусто."))
    is_advertising = models.BooleanField(_("реклама"), default=True, help_text=_(
        "Рекламная рассылка уходит только тем, кто дал согласие на рекламу и не отказался от рассылок."))
    audience = models.CharField(_("кому"), max_length=10, choices=Audience.choices, default=Audience.LEADS)
    statuses = models.ManyToManyField("leads.LeadStatus", blank=True, related_name="+",
                                      verbose_name=_("статусы лидов"))
    services = models.ManyToManyField("directory.Service", blank=True, related_name="+", verbose_name=_("услуги"))
    tags = models.ManyToManyField("directory.Tag", blank=True, related_name="+", verbose_name=_("теги"))
    segment = models.CharField(_("сегмент"), max_length=50, blank=True)
    debt_min = MoneyField(_("просрочено не меньше, ₽"), max_digits=12, null=True, blank=True,
                          help_text=_("Только клиенты с просроченной задолженностью."))
    last_contact_after = models.DateField(_("последнее обращение с"), null=True, blank=True)
    last_contact_before = models.DateField(_("последнее обращение по"), null=True, blank=True)
    starts_at = models.DateTimeField(_("начать"), null=True, blank=True, help_text=_("Пусто — сразу при запуске."))
    daily_limit = models.PositiveIntegerField(
        _("не больше сообщений в день"), null=True, blank=True, help_text=_("От 1 до 1 000 000. Пусто — без лимита."),
        validators=[MinValueValidator(DAILY_LIMIT_MIN, message=DAILY_LIMIT_ERROR),
                    MaxValueValidator(DAILY_LIMIT_MAX, message=DAILY_LIMIT_ERROR)])
    weekdays = models.CharField(_("дни недели"), max_length=7, default="12345",
                                help_text=_("Номера дней цифрами, например 12345 или 1, 3, 5: 1 — понедельник … "
                                            "7 — воскресенье."))
    hours_from = models.TimeField(_("отправлять с"), default=datetime.time(10, 0),
                                  help_text=_("По местному времени получателя (часовой пояс его офиса)."))
    hours_to = models.TimeField(_("отправлять до"), default=datetime.time(20, 0))
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    planned_cost = MoneyField(_("стоимость по расчёту"), max_digits=12, null=True, blank=True)
    cost_source = models.CharField(_("расчёт стоимости"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("автор"))
    started_at = models.DateTimeField(_("запущена"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершена"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("рассылка")
        verbose_name_plural = _("рассылки")
        ordering = ["-created_at", "-id"]
        permissions = [("run_campaign", _("Запускает, приостанавливает и отменяет рассылки"))]
        indexes = [models.Index(fields=["status"], name="campaign_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def weekdays_display(self) -> str:
        """The sending days in words ("пн, ср, пт", "ежедневно") for the campaign page, not the stored digits."""
        days = [WEEKDAY_NAMES[int(d) - 1] for d in sorted(set(self.weekdays)) if d in "1234567"]
        if len(days) == 7:
            return str(_("ежедневно"))
        return ", ".join(str(day) for day in days) or "—"


class CampaignRecipient(models.Model):
    """One address of a started campaign, frozen at the start: later changes of the audience do not move it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Ждёт отправки")
        QUEUED = "queued", _("Передано в отправку")
        SKIPPED_NO_CONSENT = "skipped_no_consent", _("Пропущено: нет согласия на рекламу")
        SKIPPED_OPTED_OUT = "skipped_opted_out", _("Пропущено: отказ от рассылок")
        SKIPPED_DUPLICATE = "skipped_duplicate", _("Пропущено: адрес уже в рассылке")
        SKIPPED_BAD_ADDRESS = "skipped_bad_address", _("Пропущено: неверный адрес")
        CANCELLED = "cancelled", _("Отменено")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients",
                                 verbose_name=_("рассылка"), db_index=False)  # campaign_rcpt_status leads with it
    address = models.CharField(_("адрес"), max_length=254)
    name = models.CharField(_("имя"), max_length=300, blank=True)
    office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("офис"))
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("лид"))
    counterparty = models.ForeignKey("directory.Counterparty", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("клиент"))
    contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("договор"))
    region = models.CharField(_("регион"), max_length=100, blank=True)  # the client's, for region tags
    status = models.CharField(_("состояние"), max_length=20, choices=Status.choices, default=Status.PENDING)
    message = models.ForeignKey("messaging.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("сообщение"))
    queued_at = models.DateTimeField(_("передано в отправку"), null=True, blank=True)

    class Meta:
        verbose_name = _("получатель рассылки")
        verbose_name_plural = _("получатели рассылки")
        ordering = ["id"]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="campaign_rcpt_status"),
                   models.Index(fields=["campaign", "queued_at"], name="campaign_rcpt_queued")]

    def __str__(self) -> str:
        return self.address
