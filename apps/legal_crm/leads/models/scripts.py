"""The call-script constructor (SPEC 6.5.2): scripts as kanban boards of steps that leads move through."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.errors import DomainError
from legal_crm.core.models import TimeStampedModel
from legal_crm.messaging import tags


class Script(TimeStampedModel):
    """A script: which leads enter it (filters and start events) and the steps they go through."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    description = models.TextField(_("описание"), blank=True)
    is_active = models.BooleanField(_("включён"), default=True)
    # Start events: what makes a matching lead enter the script.
    start_on_arrival = models.BooleanField(_("при поступлении лида"), default=False,
                                           help_text=_("Новый лид входит в скрипт сразу после приёма."))
    start_on_status = models.BooleanField(
        _("при смене статуса"), default=False,
        help_text=_("Лид входит, когда получает один из статусов фильтра (или любой, если фильтр пуст)."),
    )
    start_on_planned_call = models.BooleanField(_("при планировании звонка"), default=False,
                                                help_text=_("Лид входит, когда ему запланировали звонок."))
    start_on_reengage = models.BooleanField(
        _("при возврате в работу"), default=False,
        help_text=_("Лид после отказа, возвращённый в работу автоматически или вручную."),
    )
    # Filters: empty means "any".
    lead_types = models.ManyToManyField("leads.LeadType", blank=True, related_name="+",
                                        verbose_name=_("типы лидов"), help_text=_("Пусто — любой тип."))
    sources = models.ManyToManyField("marketing.AdSource", blank=True, related_name="+",
                                     verbose_name=_("источники"), help_text=_("Пусто — любой источник."))
    statuses = models.ManyToManyField("leads.LeadStatus", blank=True, related_name="+",
                                      verbose_name=_("статусы"), help_text=_("Пусто — любой статус."))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("скрипт звонков")
        verbose_name_plural = _("скрипты звонков")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    START_FIELDS = ("start_on_arrival", "start_on_status", "start_on_planned_call", "start_on_reengage")

    def clean(self):
        super().clean()
        if self.is_active and not any(getattr(self, f) for f in self.START_FIELDS):
            raise ValidationError(_("Включённому скрипту нужно хотя бы одно событие запуска: иначе в него не "
                                    "войдёт ни один лид. Отметьте событие или выключите скрипт."))




class ScriptStep(models.Model):
    """A column of the script's board."""

    class Kind(models.TextChoices):
        CALL = "call", _("Звонок")
        SMS = "sms", _("Отправить SMS")
        WHATSAPP = "whatsapp", _("Отправить WhatsApp")
        WAIT = "wait", _("Подождать")
        REACHED = "reached", _("Дозвонились")
        HANDOVER = "handover", _("Передать оператору")
        REFUSE = "refuse", _("Отказ")

    AUTOMATIC = (Kind.SMS, Kind.WHATSAPP, Kind.WAIT)
    FINAL = (Kind.REACHED, Kind.HANDOVER, Kind.REFUSE)

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="steps", verbose_name=_("скрипт"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    name = models.CharField(_("название"), max_length=100)
    kind = models.CharField(_("действие"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    wait_hours = models.PositiveSmallIntegerField(
        _("ждать, часов"), default=0,
        help_text=_("«Подождать»: сколько часов до следующего шага. «Звонок»: через сколько часов без "
                    "результата лид сам перейдёт дальше (0 — ждать оператора)."),
    )
    message_text = models.TextField(
        _("текст сообщения"), blank=True,
        help_text=_("Для SMS и WhatsApp: текст с метками ({name}, {office_address}, {contract_number}…) "
                    "или пусто, если выбран шаблон."),
    )
    template = models.ForeignKey(
        "messaging.MessageTemplate", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"is_active": True, "kind__in": ("sms", "whatsapp")}, verbose_name=_("шаблон сообщения"),
        help_text=_("Вместо текста: текст шаблона с метками, заполненными для лида при отправке."),
    )
    is_advertising = models.BooleanField(
        _("рекламное сообщение"), default=False,
        help_text=_("Отправляется только тем, кто дал согласие на рекламу (38-ФЗ); остальным сообщение "
                    "записывается как отменённое, а лид идёт дальше."),
    )
    refusal_status = models.ForeignKey(
        "leads.LeadStatus", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"is_refusal": True}, verbose_name=_("статус отказа"),
        help_text=_("«Отказ»: в какой статус перевести лид, когда карточка попадает в эту колонку "
                    "(пусто — первый отказ без обязательной причины)."),
    )
    refusal_reason = models.ForeignKey(
        "leads.RefusalReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("причина отказа"), help_text=_("Для статуса отказа, которому нужна причина."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("шаг скрипта")
        verbose_name_plural = _("шаги скрипта")
        ordering = ["script", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.kind in (self.Kind.SMS, self.Kind.WHATSAPP):
            errors.update(self._message_errors())
        elif self.template_id:
            errors["template"] = _("Шаблон сообщения задаётся только шагам SMS и WhatsApp.")
        if self.refusal_status_id and self.kind != self.Kind.REFUSE:
            errors["refusal_status"] = _("Статус отказа задаётся только шагу «Отказ».")
        elif self.refusal_status_id:
            status = self.refusal_status
            if status.needs_reason and not self.refusal_reason_id:
                errors["refusal_reason"] = _("Этому статусу отказа нужна причина.")
            elif self.refusal_reason_id:
                # The same rule as lead_set_status: a reason with no statuses fits any refusal status.
                allowed = set(self.refusal_reason.statuses.values_list("pk", flat=True))
                if allowed and status.pk not in allowed:
                    errors["refusal_reason"] = _("Причина «%(r)s» не подходит к статусу «%(s)s».") % {
                        "r": self.refusal_reason.name, "s": status.name}
        elif self.refusal_reason_id:
            # Without a status the step ignores the reason (services/scripts.py): say so instead of keeping it.
            errors["refusal_reason"] = _("Причина отказа задаётся вместе со статусом отказа.")
        if errors:
            raise ValidationError(errors)

    def _message_errors(self) -> dict:
        text = (self.message_text or "").strip()
        if self.template_id and text:
            return {"message_text": _("Выберите шаблон или введите текст — не то и другое сразу.")}
        if self.template_id:
            if self.template.kind != self.kind:
                return {"template": _("Шаблон «%(t)s» — для канала «%(k)s», а шаг отправляет «%(s)s».") % {
                    "t": self.template.name, "k": self.template.get_kind_display(), "s": self.get_kind_display()}}
            return {}
        if not text:
            return {"message_text": _("Шагу «%(kind)s» нужен текст сообщения или шаблон.") % {
                "kind": self.get_kind_display()}}
        try:
            tags.validate(text)  # an unknown tag would reach the client as typed
        except DomainError as exc:
            return {"message_text": exc.fields.get("text") or exc.message}
        return {}

    @property
    def message_source(self) -> str:
        """The text the step sends, tags not yet filled in."""
        return self.template.text if self.template_id else self.message_text

    @property
    def sends_advertising(self) -> bool:
        return self.is_advertising or bool(self.template_id and self.template.is_advertising)

    @property
    def is_automatic(self) -> bool:
        return self.kind in self.AUTOMATIC

    @property
    def is_final(self) -> bool:
        return self.kind in self.FINAL


class ScriptEnrollment(models.Model):
    """A lead on a script's board: its card. One per lead and script; re-entering reopens it."""

    class State(models.TextChoices):
        ACTIVE = "active", _("В работе")
        REACHED = "reached", _("Дозвонились")
        HANDED_OVER = "handed_over", _("Передан оператору")
        REFUSED = "refused", _("Отказ")

    class Trigger(models.TextChoices):
        ARRIVAL = "arrival", _("Поступление лида")
        STATUS = "status", _("Смена статуса")
        PLANNED_CALL = "planned_call", _("Запланирован звонок")
        REENGAGE = "reengage", _("Возврат в работу")
        MANUAL = "manual", _("Вручную")

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="enrollments",
                               verbose_name=_("скрипт"))
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="script_enrollments",
                             verbose_name=_("лид"))
    step = models.ForeignKey(ScriptStep, on_delete=models.PROTECT, related_name="enrollments",
                             verbose_name=_("шаг"))
    state = models.CharField(_("состояние"), max_length=12, choices=State.choices, default=State.ACTIVE)
    trigger = models.CharField(_("как вошёл"), max_length=12, choices=Trigger.choices, default=Trigger.MANUAL)
    entered_at = models.DateTimeField(_("вошёл в скрипт"))
    step_entered_at = models.DateTimeField(_("на шаге с"))
    next_action_at = models.DateTimeField(_("следующее действие"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершён"), null=True, blank=True)

    class Meta:
        verbose_name = _("лид в скрипте")
        verbose_name_plural = _("лиды в скриптах")
        ordering = ["step_entered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["script", "lead"], name="uniq_script_lead")]
        indexes = [
            models.Index(fields=["state", "next_action_at"], name="script_enroll_due"),
            models.Index(fields=["script", "step", "step_entered_at"], name="script_enroll_board"),
        ]
        permissions = [("move_scriptenrollment", _("Перемещает карточки лидов по скрипту"))]

    def __str__(self) -> str:
        return f"{self.lead} — {self.step}"


class ScriptMove(models.Model):
    """The log of a card's moves: who (empty — the system) moved it from which step to which."""

    class Reason(models.TextChoices):
        ENROLLED = "enrolled", _("Вход в скрипт")
        MANUAL = "manual", _("Перенесён оператором")
        AUTO = "auto", _("Автоматически")

    enrollment = models.ForeignKey(ScriptEnrollment, on_delete=models.CASCADE, related_name="moves",
                                   verbose_name=_("карточка"))
    from_step = models.ForeignKey(ScriptStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("с шага"))
    to_step = models.ForeignKey(ScriptStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("на шаг"))
    reason = models.CharField(_("основание"), max_length=10, choices=Reason.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("кто"))
    at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("перемещение по скрипту")
        verbose_name_plural = _("журнал перемещений по скриптам")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["enrollment", "-at"], name="script_move_enroll_at")]

    def __str__(self) -> str:
        return f"{self.from_step or '—'} → {self.to_step or '—'}"


class ScriptMessage(models.Model):
    """A message a script step decided to send. It is handed to the messaging outbox at once ("taken"; its
    `messaging.Message` names it as subject "leads.scriptmessage") and follows that message's fate through the
    `messaging.message_status_changed` event: sent, delivered, failed (with the reason) or cancelled."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        TO_SEND = "to_send", _("К отправке")
        TAKEN = "taken", _("Передано в отправку")
        SENT = "sent", _("Отправлено")
        DELIVERED = "delivered", _("Доставлено")
        FAILED = "failed", _("Не отправлено")
        CANCELLED = "cancelled", _("Отменено")

    enrollment = models.ForeignKey(ScriptEnrollment, on_delete=models.CASCADE, related_name="messages",
                                   verbose_name=_("карточка"))
    step = models.ForeignKey(ScriptStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("шаг"))
    step_entered_at = models.DateTimeField(_("шаг начат"))
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="script_messages",
                             verbose_name=_("лид"))
    channel = models.CharField(_("канал"), max_length=10, choices=Channel.choices)
    phone = models.CharField(_("телефон"), max_length=16)
    text = models.TextField(_("текст"))
    status = models.CharField(_("состояние"), max_length=10, choices=Status.choices, default=Status.TO_SEND,
                              db_index=True)
    error_text = models.CharField(_("причина"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("сообщение скрипта")
        verbose_name_plural = _("сообщения скриптов")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The job may run twice: one visit of a step sends one message.
            models.UniqueConstraint(fields=["enrollment", "step", "step_entered_at"], name="uniq_script_message"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.phone}"
