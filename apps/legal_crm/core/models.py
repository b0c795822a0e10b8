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
        return f"{self.at:%d.%m.%Y %H:%M} {self.action} {self.object_repr}"


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
