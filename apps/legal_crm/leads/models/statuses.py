"""Lead types, statuses, the workflow between statuses and refusal reasons (SPEC 5.2.2)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.validators import validate_color


class LeadType(models.Model):
    """How the lead arrived; the type decides how it is processed. The 16 types ship in a migration."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=100, unique=True)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("тип лида")
        verbose_name_plural = _("типы лидов")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# A refused lead comes back to work after 1 day to 10 years: a typo of extra zeros (99 999 999 999) is no plan, and
# the re-engagement job could not compute its date (timedelta overflows).
REENGAGE_DAYS_MIN, REENGAGE_DAYS_MAX = 1, 3650
REENGAGE_DAYS_ERROR = _("Укажите число дней от 1 до 3650 (десять лет) или оставьте поле пустым, чтобы не "
                        "возвращать лиды в работу автоматически.")


class LeadStatus(models.Model):
    """A status of the lead workflow. Flags say what the status means to the system."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    color = models.CharField(_("цвет"), max_length=7, default="#6b7280", validators=[validate_color],
                             help_text=_("Например, #2563eb."))
    is_initial = models.BooleanField(_("начальный"), default=False,
                                     help_text=_("Новые лиды получают этот статус."))
    is_open = models.BooleanField(_("в работе"), default=True,
                                  help_text=_("Лид в этом статусе считается нагрузкой оператора."))
    is_refusal = models.BooleanField(_("отказ"), default=False)
    needs_reason = models.BooleanField(_("нужна причина"), default=False,
                                       help_text=_("Переход в статус требует указать причину отказа."))
    reengage_after_days = models.PositiveSmallIntegerField(
        _("вернуть в работу через, дней"), null=True, blank=True,
        help_text=_("От 1 до 3650 дней. Пусто — не возвращать автоматически."),
        validators=[MinValueValidator(REENGAGE_DAYS_MIN, message=REENGAGE_DAYS_ERROR),
                    MaxValueValidator(REENGAGE_DAYS_MAX, message=REENGAGE_DAYS_ERROR)],
    )
    reengage_status = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("статус при возврате"), help_text=_("Пусто — начальный статус."),
    )
    is_final = models.BooleanField(_("конечный"), default=False)
    is_spam = models.BooleanField(_("спам"), default=False)
    is_converted = models.BooleanField(_("клиент (конверсия)"), default=False)
    is_active = models.BooleanField(_("используется"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("статус лида")
        verbose_name_plural = _("статусы лидов")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reengage_after_days__isnull=True) | models.Q(
                    reengage_after_days__gte=REENGAGE_DAYS_MIN, reengage_after_days__lte=REENGAGE_DAYS_MAX),
                name="lead_status_reengage_days_range", violation_error_message=REENGAGE_DAYS_ERROR),
        ]

    def __str__(self) -> str:
        return self.name

    def flag_conflicts(self) -> list[tuple[str, str]]:
        """(field, Russian message) for each pair of flags that contradict each other, as the services read them:
        spam, refusal and client are three different ends of a lead — the reports count each apart
        (leads.source_report), a spam status marks the lead spam (lead_set_status) while the conversion clears
        that mark, and a client is only reached by a signed contract; new leads start in the initial status, and a
        lead leaving spam goes back to it, so it cannot be an end; «в работе» counts the lead in the operator's
        load (distribution), which a final or spam status would hold for ever and a refused lead must not take
        (it comes back to work by re-engagement, into an open status); the refusal reason is asked only on a
        refusal."""
        conflicts = []
        if self.is_spam and self.is_converted:
            conflicts.append(("is_converted", _("Статус не может быть одновременно спамом и клиентом: снимите одну "
                                                "из отметок «спам» или «клиент (конверсия)».")))
        if self.is_spam and self.is_refusal:
            conflicts.append(("is_refusal", _("Статус не может быть одновременно спамом и отказом: отказ — ответ "
                                              "живого человека, спам — не обращение. Снимите одну из отметок.")))
        if self.is_converted and self.is_refusal:
            conflicts.append(("is_refusal", _("Статус не может быть одновременно отказом и клиентом: снимите одну "
                                              "из отметок «отказ» или «клиент (конверсия)».")))
        if self.is_initial:
            ends = [str(self._meta.get_field(flag).verbose_name) for flag in
                    ("is_spam", "is_refusal", "is_converted", "is_final") if getattr(self, flag)]
            if ends:
                flags = ", ".join(_("«%(flag)s»") % {"flag": flag} for flag in ends)
                conflicts.append(("is_initial", _("Начальный статус получают новые лиды, он не может быть "
                                                  "отмечен как %(flags)s.") % {"flags": flags}))
        if self.is_open and (self.is_final or self.is_spam):
            conflicts.append(("is_open", _("Конечный статус и спам не бывают «в работе»: лид в нём навсегда "
                                           "занял бы место в нагрузке оператора. Снимите отметку «в работе».")))
        elif self.is_open and self.is_refusal:
            conflicts.append(("is_open", _("Статус отказа не бывает «в работе»: отказавшийся лид считался бы в "
                                           "нагрузке оператора. Снимите отметку «в работе» (лид вернётся в работу "
                                           "сам, если задан возврат через N дней).")))
        if self.needs_reason and not self.is_refusal:
            conflicts.append(("needs_reason", _("Причину отказа спрашивают только в статусах отказа: снимите "
                                                "отметку «нужна причина» или отметьте «отказ».")))
        return conflicts

    def clean(self):
        errors = {}
        if not self.is_refusal:
            # Only refusals are re-opened (services/statuses.py reengage_due_leads reads refusal statuses only).
            if self.reengage_after_days is not None:
                errors["reengage_after_days"] = _("Возврат в работу задаётся только статусам отказа.")
            if self.reengage_status_id:
                errors["reengage_status"] = _("Статус при возврате задаётся только статусам отказа.")
        elif self.reengage_status_id:
            target = self.reengage_status
            if target.is_spam or target.is_refusal or target.is_converted or (self.pk and target.pk == self.pk):
                errors["reengage_status"] = _("Лид возвращается в работу: статус «%(s)s» для этого не подходит "
                                              "(нельзя спам, отказ или клиента).") % {"s": target.name}
        for field, message in self.flag_conflicts():
            errors.setdefault(field, []).append(message)
        if self.is_initial:
            other = LeadStatus.objects.filter(is_initial=True).exclude(pk=self.pk).first()
            if other is not None:
                errors.setdefault("is_initial", []).append(
                    _("Начальный статус уже есть: «%(s)s». Снимите с него отметку, прежде чем отмечать этот.")
                    % {"s": other.name})
        if errors:
            raise ValidationError(errors)


class StatusTransition(models.Model):
    """One allowed move of the workflow: a lead in `from_status` may go to `to_status`."""

    from_status = models.ForeignKey(LeadStatus, on_delete=models.CASCADE, related_name="transitions_out",
                                    verbose_name=_("из статуса"))
    to_status = models.ForeignKey(LeadStatus, on_delete=models.CASCADE, related_name="transitions_in",
                                  verbose_name=_("в статус"))

    class Meta:
        verbose_name = _("переход статусов")
        verbose_name_plural = _("переходы статусов")
        ordering = ["from_status__order", "to_status__order"]
        constraints = [
            models.UniqueConstraint(fields=["from_status", "to_status"], name="uniq_lead_transition"),
            models.CheckConstraint(condition=~models.Q(from_status=models.F("to_status")),
                                   name="lead_transition_not_self",
                                   violation_error_message=_("Переход должен вести в другой статус.")),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    def clean(self):
        # The inline on the status page leaves from_status out of the form's validation, so the check
        # constraint would only fire in the database (a 500): check it here, where the parent is already set.
        if self.from_status_id and self.from_status_id == self.to_status_id:
            raise ValidationError({"to_status": _("Переход из статуса в него же не нужен: выберите другой статус.")})


class RefusalReason(models.Model):
    """Why a lead refused. Empty `statuses` — the reason fits every refusal status."""

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("причина"), max_length=200)
    statuses = models.ManyToManyField(LeadStatus, blank=True, limit_choices_to={"is_refusal": True},
                                      related_name="refusal_reasons", verbose_name=_("статусы отказа"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("причина отказа")
        verbose_name_plural = _("причины отказа")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name
