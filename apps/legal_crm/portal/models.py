"""The client portal's own records: who may sign in, their one-time codes, what they read and paid (their
ratings are quality's reviews).

A portal account belongs to a client card (directory.Counterparty), never to a staff user: the portal keeps the
account's id in the session under its own key and never logs anyone into Django's auth, so a portal session is
anonymous to the desk and the API.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel
from legal_crm.core.validators import format_phone


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")


class PortalAccount(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Открыт")
        CLOSED = "closed", _("Закрыт (нет действующих договоров)")
        BLOCKED = "blocked", _("Заблокирован")

    client = models.OneToOneField("directory.Counterparty", on_delete=models.CASCADE, related_name="portal_account",
                                  verbose_name=_("клиент"))
    phone = models.CharField(_("телефон для входа"), max_length=16, unique=True)
    status = models.CharField(_("доступ"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    password = models.CharField(_("пароль (хеш)"), max_length=128, blank=True)
    news_channel = models.CharField(_("канал новостей"), max_length=8, choices=Channel.choices, default=Channel.SMS)
    news_address = models.CharField(_("адрес для новостей"), max_length=200, blank=True,
                                    help_text=_("Для Telegram — chat id, для e-mail — адрес; пусто — телефон."))
    invited_at = models.DateTimeField(_("приглашён"), null=True, blank=True)
    last_visit_at = models.DateTimeField(_("последний визит"), null=True, blank=True)
    closed_at = models.DateTimeField(_("доступ закрыт"), null=True, blank=True)
    blocked_reason = models.CharField(_("причина блокировки"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("доступ к личному кабинету")
        verbose_name_plural = _("личный кабинет: клиенты")
        ordering = ["-last_visit_at", "-id"]
        permissions = [("manage_portal_access", _("Приглашает клиентов в личный кабинет и закрывает им доступ"))]

    def __str__(self) -> str:
        return f"{self.client} ({format_phone(self.phone)})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class LoginCode(models.Model):
    """A one-time sign-in code: stored hashed, expires, a few attempts, used once. The rows (and one per wrong
    password) also count requests per phone and per address for the rate limit: kept in the database, so the limit
    holds when Redis is down."""

    class Kind(models.TextChoices):
        CODE = "code", _("Код по SMS")
        PASSWORD_FAILURE = "password", _("Неверный пароль")

    kind = models.CharField(_("вид"), max_length=8, choices=Kind.choices, default=Kind.CODE)
    phone = models.CharField(_("телефон"), max_length=16, db_index=True)
    ip = models.GenericIPAddressField(_("IP-адрес"), null=True, blank=True)
    account = models.ForeignKey(PortalAccount, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("доступ"))
    code_hash = models.CharField(_("хеш кода"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("создан"), db_index=True)
    expires_at = models.DateTimeField(_("действует до"))
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    used_at = models.DateTimeField(_("использован"), null=True, blank=True)

    class Meta:
        verbose_name = _("код входа")
        verbose_name_plural = _("коды входа")
        indexes = [models.Index(fields=["ip", "created_at"], name="portal_code_ip_idx")]

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class ActionReceipt(models.Model):
    """When the client first saw a published action (the portal statistics report of SPEC 5.6.12 reads these)."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="receipts",
                                verbose_name=_("доступ"))
    action = models.ForeignKey("contracts.ContractAction", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("действие"))
    first_seen_at = models.DateTimeField(_("впервые просмотрено"))

    class Meta:
        verbose_name = _("просмотр действия")
        verbose_name_plural = _("просмотры действий")
        constraints = [models.UniqueConstraint(fields=["account", "action"], name="uniq_portal_receipt")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.action_id}"


class OnlinePayment(TimeStampedModel):
    """A payment started in the portal at the gateway. It lands in billing (a Payment with method «портал») only
    once the gateway's own API says it succeeded; a webhook is only a hint to ask."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Ожидает оплаты")
        SUCCEEDED = "succeeded", _("Оплачен")
        CANCELED = "canceled", _("Отменён")

    account = models.ForeignKey(PortalAccount, on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("доступ"))
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("счёт"))
    amount = MoneyField(_("сумма"))
    idempotence_key = models.UUIDField(_("ключ идемпотентности"), unique=True)
    gateway_id = models.CharField(_("номер платежа в платёжной системе"), max_length=64, unique=True, null=True,
                                  blank=True)
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.PENDING)
    confirmation_url = models.URLField(_("страница оплаты"), max_length=500, blank=True)
    # When a request creating the payment at the gateway was sent and has not answered yet (payment_start): a second
    # tap meanwhile waits for it instead of sending its own.
    gateway_call_at = models.DateTimeField(_("запрос в платёжную систему"), null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("оплачен"), null=True, blank=True)
    payment = models.OneToOneField("billing.Payment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("платёж"))

    class Meta:
        verbose_name = _("онлайн-оплата")
        verbose_name_plural = _("онлайн-оплаты")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.gateway_id or str(self.idempotence_key)


class FormSubmission(models.Model):
    """A complaint or a rating sent from the portal, by the one-time key its form was rendered with. A repeat of
    the same key by the same account — a double click, a resent POST — finds this row and is answered with what the
    first one filed, never files a second (services.activity.submit_once; the key is unique per account)."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Жалоба")
        RATING = "rating", _("Оценка")

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="+", verbose_name=_("доступ"))
    kind = models.CharField(_("форма"), max_length=10, choices=Kind.choices)
    key = models.UUIDField(_("ключ отправки"))
    complaint = models.ForeignKey("quality.Complaint", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("жалоба"))
    review = models.ForeignKey("quality.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("оценка"))
    created_at = models.DateTimeField(_("отправлено"))

    class Meta:
        verbose_name = _("отправка формы")
        verbose_name_plural = _("отправки форм")
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="uniq_portal_submission_key")]

    def __str__(self) -> str:
        return f"{self.account_id}/{self.key}"
