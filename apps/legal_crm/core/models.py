from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """Everyone who logs in: staff (with an org.Employee profile) and portal clients."""

    middle_name = models.CharField(_("отчество"), max_length=150, blank=True)
    phone = models.CharField(_("телефон"), max_length=16, blank=True, db_index=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # set_password() leaves the new password in _password until the save (AbstractBaseUser). Every way of
        # changing a password — the desk's form, the admin's set-password, a reset, a service, changepassword —
        # ends here, so here the user's API tokens stop working, as Django's session hash ends their sessions.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            from .token_auth import revoke_tokens

            revoke_tokens(self.pk)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)


class PermissionOverride(models.Model):
    """A personal setting: grants or revokes one permission, and wins over the groups."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="permission_overrides",
        verbose_name=_("сотрудник"),
    )
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, verbose_name=_("право"))
    granted = models.BooleanField(
        _("разрешено"), help_text=_("Включено — право выдано лично; выключено — отозвано, даже если его даёт группа."),
    )

    class Meta:
        verbose_name = _("личная настройка доступа")
        verbose_name_plural = _("личные настройки доступа")
        constraints = [models.UniqueConstraint(fields=["user", "permission"], name="uniq_override_user_perm")]

    def __str__(self) -> str:
        sign = "+" if self.granted else "−"
        return f"{sign} {self.permission.content_type.app_label}.{self.permission.codename}"


class ShippedRole(models.Model):
    """What fixtures/groups.json gave a shipped role at the last sync (core.access_sync): the base of a three-way
    sync, so that an update adds only the rights the file newly ships and takes only those it dropped, and the
    administrator's own changes to the role stay."""

    group = models.OneToOneField("auth.Group", on_delete=models.CASCADE, primary_key=True,
                                 related_name="shipped_role", verbose_name=_("группа"))
    permissions = models.JSONField(_("права по поставке"), default=list)
    synced_at = models.DateTimeField(_("сверено"), default=timezone.now)

    class Meta:
        verbose_name = _("встроенная роль")
        verbose_name_plural = _("встроенные роли")

    def __str__(self) -> str:
        return str(self.group)


class AuditLog(models.Model):
    """Who did what to which record, with the values before and after."""

    at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("кто"),
    )
    action = models.CharField(_("действие"), max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("тип записи"))
    object_id = models.CharField(_("запись"), max_length=64)
    object_repr = models.CharField(_("представление"), max_length=255, blank=True)
    before = models.JSONField(_("было"), null=True, blank=True)
    after = models.JSONField(_("стало"), null=True, blank=True)

    class Meta:
        verbose_name = _("запись журнала")
        verbose_name_plural = _("журнал изменений")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%d.%m.%Y %H:%M} {self.action} {self.object_repr}"


class EventOutbox(models.Model):
    """Events written with the business change, in its transaction, until the relay runs their handlers
    (core.outbox): a commit always leaves its events behind, a rollback takes them away."""

    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    # [[handler path, event, payload], …]; dates and decimals in a payload arrive as strings, as through Celery's JSON.
    items = models.JSONField(_("обработчики"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("событие в очереди")
        verbose_name_plural = _("события в очереди")

    def __str__(self) -> str:
        return ", ".join(sorted({event for _path, event, _payload in self.items}))


class EventDelivery(models.Model):
    """One (event, handler) delivery that failed: kept with its payload and error until it is delivered on a
    retry or someone resolves it (core.deliveries). Deliveries that succeed the first time leave no row — the
    outbox row that carried them is deleted in the same transaction as their writes."""

    class Status(models.TextChoices):
        RETRYING = "retrying", _("Повтор запланирован")
        DEAD = "dead", _("Не доставлено")
        DELIVERED = "delivered", _("Доставлено повтором")
        RESOLVED = "resolved", _("Закрыто вручную")

    event = models.CharField(_("событие"), max_length=100, db_index=True)
    handler = models.CharField(_("обработчик"), max_length=200, db_index=True)
    payload = models.JSONField(_("данные события"), encoder=DjangoJSONEncoder)
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.RETRYING)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    error = models.TextField(_("ошибка"), blank=True)
    created_at = models.DateTimeField(_("первый сбой"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("последняя попытка"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("следующая попытка"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("закрыто"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("кто закрыл"))

    class Meta:
        verbose_name = _("сбой обработки")
        verbose_name_plural = _("сбои обработки")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        permissions = [("retry_eventdelivery", _("Повторять и закрывать сбои обработки"))]

    def __str__(self) -> str:
        return f"{self.event} → {self.handler}"


class JobRun(models.Model):
    """One run of a scheduled job (hooks.SCHEDULER_EVENTS): when, how long, how many rows, how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Выполняется")
        OK = "ok", _("Успешно")
        FAILED = "failed", _("Ошибка")

    job = models.CharField(_("задание"), max_length=200, db_index=True)
    status = models.CharField(_("результат"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("начало"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("окончание"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("длительность, мс"), null=True, blank=True)
    rows = models.IntegerField(_("обработано записей"), null=True, blank=True)
    error = models.TextField(_("ошибка"), blank=True)

    class Meta:
        verbose_name = _("запуск задания")
        verbose_name_plural = _("журнал заданий")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.started_at):%d.%m.%Y %H:%M}"

    @property
    def title(self) -> str:
        """The job as people call it (hooks.JOB_TITLES), its path when unnamed."""
        from .scheduler import job_title

        return job_title(self.job)
