"""Tasks (SPEC 5.8): who does what by when, about which record, and the rules that set them automatically.

A task links to any record as a "type + id" pair of strings ("contracts.contract", "42"), like messaging's
subjects: todos sits below the modules whose records it points at, so it holds no foreign key to them; the
owner of a record type renders its link through hooks.TASK_RECORD_LINKS."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class TaskKind(models.TextChoices):
    CALL = "call", _("Звонок")
    DOCUMENTS = "documents", _("Документы")
    HEARING_PREP = "hearing_prep", _("Подготовка к заседанию")
    HEARING = "hearing", _("Судебное заседание")
    PAYMENT = "payment", _("Оплата")
    COMPLAINT = "complaint", _("Жалоба")
    TERMINATION = "termination", _("Расторжение")
    MEETING = "meeting", _("Встреча")
    OTHER = "other", _("Прочее")


class Task(TimeStampedModel):
    class Status(models.TextChoices):
        NEW = "new", _("Новая")
        DONE = "done", _("Выполнена")
        CONFIRMED = "confirmed", _("Подтверждена")
        CANCELLED = "cancelled", _("Отменена")

    OPEN = (Status.NEW,)

    kind = models.CharField(_("тип"), max_length=16, choices=TaskKind.choices, default=TaskKind.OTHER)
    title = models.CharField(_("задача"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    purpose = models.CharField(_("цель"), max_length=300, blank=True)
    complexity = models.PositiveSmallIntegerField(_("сложность"), default=1,
                                                  validators=[MinValueValidator(1), MaxValueValidator(5)],
                                                  help_text=_("От 1 до 5."))
    due_on = models.DateField(_("срок"))
    deadline_on = models.DateField(_("крайний срок"), null=True, blank=True,
                                   help_text=_("Позже него срок не переносится."))
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tasks", verbose_name=_("исполнитель"),
                                 help_text=_("Пусто — задача в очереди офиса."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("поставил"))
    record_type = models.CharField(_("вид записи"), max_length=50, blank=True)
    record_id = models.CharField(_("номер записи"), max_length=50, blank=True)
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.NEW)
    postponements = models.PositiveSmallIntegerField(_("переносов"), default=0)
    done_at = models.DateTimeField(_("выполнена"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("выполнил"))
    confirmed_at = models.DateTimeField(_("подтверждена"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("подтвердил"))
    cancelled_at = models.DateTimeField(_("отменена"), null=True, blank=True)
    cancel_reason = models.TextField(_("причина отмены"), blank=True)
    rule = models.ForeignKey("todos.TaskRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("правило"))
    # rule + record + day: an automatic task is created once however often its event or job repeats
    auto_key = models.CharField(max_length=120, null=True, blank=True, unique=True, editable=False)
    # the reminders already sent (the job runs more than once a day and must not repeat them)
    reminded_due_on = models.DateField(null=True, blank=True, editable=False)
    reminded_deadline_on = models.DateField(null=True, blank=True, editable=False)
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "reminded_due_on",
                                                 "reminded_deadline_on", "overdue_notified_on"])

    class Meta:
        verbose_name = _("задача")
        verbose_name_plural = _("задачи")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_idx"),
            models.Index(fields=["office", "status", "due_on"], name="task_office_idx"),
            models.Index(fields=["record_type", "record_id"], name="task_record_idx"),
            models.Index(fields=["status", "due_on"], name="task_status_due_idx"),
            # the office's queue (no assignee) counted from the index alone: «Мой день», the queue filter
            models.Index(fields=["office", "assignee", "status", "due_on"], name="task_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(deadline_on__isnull=True) | Q(deadline_on__gte=F("due_on")),
                                   name="task_due_not_after_deadline",
                                   violation_error_message=_("Срок задачи не может быть позже её крайнего срока.")),
            models.CheckConstraint(condition=Q(complexity__gte=1, complexity__lte=5),
                                   name="task_complexity_1_5",
                                   violation_error_message=_("Сложность задачи — от 1 до 5.")),
        ]
        permissions = [
            ("view_office_tasks", _("Видит все задачи своих офисов")),
            ("confirm_task", _("Подтверждает выполнение задач сотрудников офиса")),
            ("confirm_own_task", _("Подтверждает выполнение своих задач")),
            ("reassign_tasks", _("Передаёт задачи другим сотрудникам офиса")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.NEW

    def is_overdue_on(self, day) -> bool:
        return self.is_open and self.due_on < day


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments", verbose_name=_("задача"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("автор"))
    text = models.TextField(_("комментарий"))
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("комментарий к задаче")
        verbose_name_plural = _("комментарии к задачам")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class TaskChecklistItem(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("задача"))
    text = models.CharField(_("пункт"), max_length=300)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_done = models.BooleanField(_("сделано"), default=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("отметил"))
    done_at = models.DateTimeField(_("когда"), null=True, blank=True)

    class Meta:
        verbose_name = _("пункт чек-листа")
        verbose_name_plural = _("чек-лист")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class TaskPostponement(models.Model):
    """Every move of a task's due date: the count on the task is what the lists filter on, these rows say why."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="postponement_log",
                             verbose_name=_("задача"))
    from_on = models.DateField(_("был срок"))
    to_on = models.DateField(_("новый срок"))
    reason = models.TextField(_("причина"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                           verbose_name=_("перенёс"))
    at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("перенос срока")
        verbose_name_plural = _("переносы срока")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_on:%d.%m.%Y} → {self.to_on:%d.%m.%Y}"


class TaskRule(TimeStampedModel):
    """An administrator's rule: on an event (or a condition the daily job checks) set this task for this person."""

    class AssignBy(models.TextChoices):
        RECORD_ROLE = "record_role", _("По роли в записи (юрист договора, владелец лида…)")
        POSITION = "position", _("По должности в офисе (наименее загруженный)")
        QUEUE = "queue", _("В очередь офиса")

    name = models.CharField(_("название"), max_length=200)
    is_active = models.BooleanField(_("действует"), default=True)
    trigger = models.CharField(_("событие или условие"), max_length=40)
    params = models.JSONField(_("параметры"), default=dict, blank=True,
                              help_text=_("Например, {\"days\": 5} для «счёт просрочен N дней»."))
    kind = models.CharField(_("тип задачи"), max_length=16, choices=TaskKind.choices, default=TaskKind.OTHER)
    title = models.CharField(_("задача"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    complexity = models.PositiveSmallIntegerField(_("сложность"), default=1,
                                                  validators=[MinValueValidator(1), MaxValueValidator(5)])
    days = models.SmallIntegerField(_("срок, дней"), default=0,
                                    help_text=_("От даты события: 3 — через три дня, −1 — накануне (заседания)."))
    deadline_days = models.PositiveSmallIntegerField(_("крайний срок, дней после срока"), null=True, blank=True)
    assign_by = models.CharField(_("исполнитель"), max_length=16, choices=AssignBy.choices,
                                 default=AssignBy.RECORD_ROLE)
    role = models.CharField(_("роль в записи"), max_length=20, blank=True)
    position = models.ForeignKey("org.Position", null=True, blank=True, on_delete=models.PROTECT,
                                 verbose_name=_("должность"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("правило автоматических задач")
        verbose_name_plural = _("правила автоматических задач")
        ordering = ["trigger", "name"]

    def __str__(self) -> str:
        return self.name
