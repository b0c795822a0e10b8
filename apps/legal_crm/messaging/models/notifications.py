"""Staff notifications: the bell's rows, who gets which kind by which method, and the Telegram link of a person.

Kinds are codes of hooks.NOTIFICATION_KINDS (registered by the modules that own the events). What a group may get
(NotificationRule, a row per group and kind; no row: the kind's default methods) bounds what each person picks
(NotificationPreference; no row: the kind's default methods, within the groups').
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    IN_APP = "in_app", _("В системе")
    TELEGRAM = "telegram", _("Telegram")
    EMAIL = "email", _("E-mail")


class Notification(models.Model):
    """One notification of one employee: written at once; Telegram and e-mail copies go through the outbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("сотрудник"))
    kind = models.CharField(_("вид"), max_length=50)
    title = models.CharField(_("заголовок"), max_length=200)
    text = models.TextField(_("текст"), blank=True)
    link = models.CharField(_("ссылка"), max_length=500, blank=True)
    subject_type = models.CharField(_("о чём"), max_length=50, blank=True)
    subject_id = models.CharField(_("номер записи"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    digested_at = models.DateTimeField(_("вошло в сводку"), null=True, blank=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the bell: COUNT of a user's unread rows, and the latest of them
            models.Index(fields=["user", "read_at", "created_at"], name="notif_unread_idx"),
            # "once": has this person been told about this record already
            models.Index(fields=["subject_type", "subject_id", "kind"], name="notif_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class UnreadCounter(models.Model):
    """The bell's number: a person's unread in-app notifications, kept by notify() and «прочитано» in their own
    transactions (messaging.notifications.counter) — a desk page reads one row by its key, however long the
    person's backlog."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+", verbose_name=_("сотрудник"))
    unread = models.PositiveIntegerField(_("непрочитанных"), default=0)

    class Meta:
        verbose_name = _("счётчик непрочитанных")
        verbose_name_plural = _("счётчики непрочитанных")

    def __str__(self) -> str:
        return str(self.unread)


class NotificationRule(models.Model):
    """Which methods a group allows for one kind; all off: the group's members do not get it at all."""

    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+", verbose_name=_("группа"))
    kind = models.CharField(_("вид"), max_length=50)
    in_app = models.BooleanField(_("в системе"), default=False)
    telegram = models.BooleanField(_("Telegram"), default=False)
    email = models.BooleanField(_("e-mail"), default=False)

    class Meta:
        verbose_name = _("правило уведомлений группы")
        verbose_name_plural = _("правила уведомлений групп")
        constraints = [models.UniqueConstraint(fields=["group", "kind"], name="notif_rule_group_kind")]

    def __str__(self) -> str:
        return f"{self.group} — {self.kind}"


class NotificationSchedule(models.Model):
    """A group's quiet hours (external sends wait, in each employee's own time zone) and daily digest."""

    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, related_name="+", verbose_name=_("группа"))
    quiet_from = models.TimeField(_("тихие часы с"), null=True, blank=True)
    quiet_to = models.TimeField(_("тихие часы до"), null=True, blank=True)
    digest_at = models.TimeField(_("время сводки"), null=True, blank=True,
                                 help_text=_("Пусто — сводку непрочитанного не присылать."))
    digest_after_hours = models.PositiveSmallIntegerField(_("в сводку — непрочитанные старше, часов"), default=24)

    class Meta:
        verbose_name = _("расписание уведомлений группы")
        verbose_name_plural = _("расписания уведомлений групп")

    def __str__(self) -> str:
        return str(self.group)


class NotificationPreference(models.Model):
    """A person's choice for one kind: on/off and methods (only those their groups allow take effect)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("сотрудник"))
    kind = models.CharField(_("вид"), max_length=50)
    enabled = models.BooleanField(_("получать"), default=True)
    in_app = models.BooleanField(_("в системе"), default=True)
    telegram = models.BooleanField(_("Telegram"), default=False)
    email = models.BooleanField(_("e-mail"), default=False)

    class Meta:
        verbose_name = _("настройка уведомлений")
        verbose_name_plural = _("настройки уведомлений")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}"


class NotificationDigest(models.Model):
    """The local date of a person's last digest: claimed by one conditional UPDATE, so a second run sends none."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("сотрудник"))
    sent_on = models.DateField(_("сводка отправлена"), null=True, blank=True)

    class Meta:
        verbose_name = _("сводка уведомлений")
        verbose_name_plural = _("сводки уведомлений")

    def __str__(self) -> str:
        return f"{self.user} — {self.sent_on}"


class TelegramLink(models.Model):
    """The Telegram chat an employee's notifications go to (linked by /start CODE to the bot)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link",
                                verbose_name=_("сотрудник"))
    chat_id = models.CharField(_("чат Telegram"), max_length=32)
    username = models.CharField(_("имя в Telegram"), max_length=100, blank=True)
    linked_at = models.DateTimeField(_("привязан"), auto_now_add=True)

    class Meta:
        verbose_name = _("привязка Telegram")
        verbose_name_plural = _("привязки Telegram")

    def __str__(self) -> str:
        return f"{self.user} — {self.chat_id}"


class TelegramLinkCode(models.Model):
    """A one-time code to link Telegram: kept as its hash, valid 15 minutes, works once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("сотрудник"))
    code_hash = models.CharField(_("код (хеш)"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("действует до"))
    used_at = models.DateTimeField(_("использован"), null=True, blank=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("код привязки Telegram")
        verbose_name_plural = _("коды привязки Telegram")

    def __str__(self) -> str:
        return f"{self.user} — {self.expires_at:%d.%m.%Y %H:%M}"


class TelegramCursor(models.Model):
    """The next getUpdates offset of a bot (the polling job), so an update is read once."""

    channel = models.OneToOneField("messaging.Channel", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("канал"))
    next_offset = models.BigIntegerField(_("следующее обновление"), default=0)

    class Meta:
        verbose_name = _("чтение обновлений Telegram")
        verbose_name_plural = _("чтение обновлений Telegram")

    def __str__(self) -> str:
        return f"{self.channel} — {self.next_offset}"
