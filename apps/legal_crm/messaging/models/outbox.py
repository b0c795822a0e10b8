"""Messaging: channel settings per office, the outbox of messages (the SMS log) and opt-outs.

Messaging sits below leads, contracts and billing: it never imports them. A message names the record it was sent
about as a "subject type + id" pair of strings ("leads.scriptmessage", "42"), and tells the owner of that record
about status changes through the `messaging.message_status_changed` event (for the subject types listed in
`hooks.MESSAGE_FOLLOWED_SUBJECTS`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.validators import format_phone


class Kind(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")


class Provider(models.TextChoices):
    CONSOLE = "console", _("Консоль (без отправки)")
    SMSRU = "smsru", _("SMS.ru")
    SMSC = "smsc", _("SMSC.ru")
    GREENAPI = "greenapi", _("GreenAPI (WhatsApp)")
    TELEGRAM = "telegram", _("Telegram-бот")
    EMAIL = "email", _("Почтовый сервер")


class Channel(models.Model):
    """A provider account an office sends through. The secret is never shown back in full."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"), help_text=_("Пусто — для всех офисов без своего канала."))
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    provider = models.CharField(_("провайдер"), max_length=10, choices=Provider.choices)
    name = models.CharField(_("название"), max_length=200)
    login = models.CharField(_("логин"), max_length=200, blank=True)
    secret = models.CharField(_("ключ / пароль"), max_length=500, blank=True)
    sender_name = models.CharField(_("имя отправителя"), max_length=100, blank=True)
    base_url = models.URLField(_("адрес API"), blank=True,
                               help_text=_("Пусто — адрес провайдера. Заполняют только для тестового стенда."))
    rate_per_minute = models.PositiveIntegerField(_("не больше сообщений в минуту"), default=60)
    is_default = models.BooleanField(_("канал по умолчанию"), default=True,
                                     help_text=_("Через него уходят сообщения этого вида из офиса."))
    is_active = models.BooleanField(_("включён"), default=True)

    class Meta:
        verbose_name = _("канал отправки")
        verbose_name_plural = _("каналы отправки")
        ordering = ["kind", "office__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_masked(self) -> str:
        return f"…{self.secret[-4:]}" if self.secret else ""


class Message(models.Model):
    """One message to one recipient: a row first (in the caller's transaction), then sent by the outbox job.
    An incoming message (a client's reply through a provider's callback) is a row too: direction "in", status
    "received", `to` holding the client's address (the SMS log and the card find both directions by the phone)."""

    class Direction(models.TextChoices):
        OUTGOING = "out", _("Исходящее")
        INCOMING = "in", _("Входящее")

    class Status(models.TextChoices):
        QUEUED = "queued", _("В очереди")
        SENDING = "sending", _("Отправляется")
        SENT = "sent", _("Отправлено")
        DELIVERED = "delivered", _("Доставлено")
        FAILED = "failed", _("Не доставлено")
        SKIPPED = "skipped", _("Не отправлено: отказ от рассылок")
        CANCELLED = "cancelled", _("Отменено")
        RECEIVED = "received", _("Получено")

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"))
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="messages",
                                verbose_name=_("канал"))
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    provider = models.CharField(_("провайдер"), max_length=10, choices=Provider.choices)
    direction = models.CharField(_("направление"), max_length=3, choices=Direction.choices,
                                 default=Direction.OUTGOING, db_default=Direction.OUTGOING)
    to = models.CharField(_("телефон или адрес клиента"), max_length=254, db_index=True)
    text = models.TextField(_("текст"))
    is_advertising = models.BooleanField(_("реклама"), default=False)
    is_secret = models.BooleanField(_("секретный текст"), default=False, db_default=False,
                                    help_text=_("Одноразовый код: журнал не показывает текст."))
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error_code = models.CharField(_("код ошибки"), max_length=50, blank=True)
    error_text = models.CharField(_("причина"), max_length=500, blank=True)
    provider_id = models.CharField(_("номер у провайдера"), max_length=100, blank=True)
    cost = MoneyField(_("стоимость"), max_digits=10, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("отправка начата"), null=True, blank=True)
    # A send worker's claim on a queued row (outbox.py): its token, and when — rows claimed in the last minute are
    # what a channel's rate limit counts, and a claim older than the lease is taken over (its worker died).
    claim_token = models.CharField(_("метка отправителя"), max_length=32, blank=True, default="", db_default="",
                                   editable=False)
    claimed_at = models.DateTimeField(_("взято в отправку"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    finished_at = models.DateTimeField(_("итог получен"), null=True, blank=True)
    subject_type = models.CharField(_("о чём"), max_length=50, blank=True)
    subject_id = models.CharField(_("номер записи"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("кто создал"))
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("сообщение")
        verbose_name_plural = _("журнал сообщений")
        ordering = ["-created_at", "-id"]
        permissions = [("retry_message", _("Повторная отправка сообщений"))]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="msg_due_idx"),
            # The send job's claim (status = queued … ORDER BY id LIMIT 1): without it MariaDB walks the primary key
            # from the oldest message through every sent one — millions in a year's SMS log — on each claim.
            models.Index(fields=["status", "id"], name="msg_queue_order_idx"),
            models.Index(fields=["channel", "claimed_at"], name="msg_claim_rate_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="msg_subject_idx"),
            # A provider's callback names its message by its own id (delivery reports, incoming replies repeated).
            models.Index(fields=["channel", "provider_id"], name="msg_provider_idx"),
            # The SMS log's «входящие» filter: 3 % of the rows, newest first, without walking the whole log.
            models.Index(fields=["direction", "created_at"], name="msg_direction_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_phone(self.to)}"  # a phone as staff read it, an address as is


class OptOut(models.Model):
    """A recipient who refused advertising (a «СТОП» reply, the unsubscribe link, a request to staff): for good."""

    address = models.CharField(_("телефон или e-mail"), max_length=254, unique=True)
    source = models.CharField(_("откуда"), max_length=200, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("входящее сообщение"),
                                help_text=_("Ответ клиента со стоп-словом, если отказ пришёл так."))
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("отказ от рассылок")
        verbose_name_plural = _("отказы от рассылок")

    def __str__(self) -> str:
        return self.address
