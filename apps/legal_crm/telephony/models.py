"""Telephony: PBX settings per office, company numbers, employees' extensions and the call log.

Telephony sits below leads and contracts: it never imports them. A call names the lead, client card and contract it
belongs to as plain ids, set by leads' handlers of telephony's events (hooks.DOC_EVENTS), and asks leads who is
calling through hooks.TELEPHONY_CALLER_CARDS.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.validators import format_phone


class PbxKind(models.TextChoices):
    CONSOLE = "console", _("Учебная АТС (без звонков)")
    ASTERISK = "asterisk", _("Asterisk (AMI)")
    MANGO = "mango", _("Манго Офис")
    ZADARMA = "zadarma", _("Zadarma")


class Pbx(models.Model):
    """A PBX account an office calls through. The secret is never shown back in full."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"), help_text=_("Пусто — для всех офисов без своей АТС."))
    kind = models.CharField(_("вид АТС"), max_length=10, choices=PbxKind.choices, default=PbxKind.CONSOLE)
    name = models.CharField(_("название"), max_length=200)
    host = models.CharField(_("адрес сервера"), max_length=200, blank=True,
                            help_text=_("Asterisk — адрес сервера AMI; Манго и Zadarma — пусто (адрес провайдера) "
                                        "или адрес тестового стенда."))
    port = models.PositiveIntegerField(_("порт"), null=True, blank=True, help_text=_("Asterisk AMI — обычно 5038."))
    login = models.CharField(_("логин / ключ API"), max_length=200, blank=True)
    secret = models.CharField(_("пароль / подпись"), max_length=500, blank=True)
    context = models.CharField(_("контекст набора"), max_length=100, blank=True, default="from-internal",
                               help_text=_("Asterisk: контекст, в котором набирается номер клиента."))
    is_active = models.BooleanField(_("включена"), default=True)
    last_error = models.CharField(_("последняя ошибка"), max_length=500, blank=True)
    last_event_at = models.DateTimeField(_("последнее событие"), null=True, blank=True)

    class Meta:
        verbose_name = _("АТС")
        verbose_name_plural = _("АТС офисов")
        ordering = ["office__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_masked(self) -> str:
        return f"…{self.secret[-4:]}" if len(self.secret) > 8 else ("…" if self.secret else "")


class CompanyNumber(models.Model):
    """A number clients call; tied to an ad source, incoming calls on it are typed by that source."""

    number = models.CharField(_("номер"), max_length=20, unique=True)
    name = models.CharField(_("название"), max_length=200, blank=True)
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"))
    pbx = models.ForeignKey(Pbx, on_delete=models.SET_NULL, null=True, blank=True, related_name="numbers",
                            verbose_name=_("АТС"))
    ad_source_code = models.CharField(_("код рекламного источника"), max_length=64, blank=True,
                                      help_text=_("Входящие на этот номер получают источник и тип лида по нему."))
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("номер компании")
        verbose_name_plural = _("номера компании")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{format_phone(self.number)} {self.name}".strip()

    def clean(self):
        from django.core.exceptions import ValidationError

        from legal_crm.core.validators import normalize_phone

        phone = normalize_phone(self.number or "")
        if not phone:
            raise ValidationError({"number": _("Неверный номер: нужен номер вида +7 495 123-45-67.")})
        self.number = phone


class SipAccount(models.Model):
    """An employee's extension (SIP account) on a PBX: the one place extensions live."""

    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="sip_accounts",
                                 verbose_name=_("сотрудник"))
    pbx = models.ForeignKey(Pbx, on_delete=models.CASCADE, null=True, blank=True, related_name="sip_accounts",
                            verbose_name=_("АТС"))
    extension = models.CharField(_("внутренний номер"), max_length=20)
    sip_login = models.CharField(_("SIP-логин"), max_length=100, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("внутренний номер")
        verbose_name_plural = _("внутренние номера (SIP)")
        ordering = ["extension"]
        constraints = [models.UniqueConstraint(fields=["pbx", "extension"], name="sip_unique_extension")]

    def __str__(self) -> str:
        return f"{self.extension} — {self.employee}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.extension = (self.extension or "").strip()
        if not self.extension.isdigit():
            raise ValidationError({"extension": _("Внутренний номер — только цифры.")})


class Call(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("Входящий")
        OUT = "out", _("Исходящий")

    class State(models.TextChoices):
        RINGING = "ringing", _("Вызов")
        TALKING = "talking", _("Разговор")
        ENDED = "ended", _("Завершён")

    class Result(models.TextChoices):
        ANSWERED = "answered", _("Отвечен")
        MISSED = "missed", _("Пропущен")
        DROPPED = "dropped", _("Сорвался")
        BUSY = "busy", _("Занято")
        FAILED = "failed", _("Не состоялся")

    class Outcome(models.TextChoices):
        """What the employee says came of it (the same codes as a planned call's result in leads)."""

        REACHED = "reached", _("Дозвонились")
        NO_ANSWER = "no_answer", _("Не ответил")
        BUSY = "busy", _("Занято")
        WRONG_NUMBER = "wrong_number", _("Неверный номер")
        CALL_BACK = "call_back", _("Просил перезвонить")

    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"))
    pbx = models.ForeignKey(Pbx, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls",
                            verbose_name=_("АТС"))
    direction = models.CharField(_("направление"), max_length=3, choices=Direction.choices)
    from_number = models.CharField(_("с номера"), max_length=32, blank=True)
    to_number = models.CharField(_("на номер"), max_length=32, blank=True)
    client_phone = models.CharField(_("телефон клиента"), max_length=20, blank=True, db_index=True)
    company_number = models.ForeignKey(CompanyNumber, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="calls", verbose_name=_("номер компании"))
    employee = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="calls", verbose_name=_("сотрудник"))
    extension = models.CharField(_("внутренний номер"), max_length=20, blank=True)
    state = models.CharField(_("состояние"), max_length=8, choices=State.choices, default=State.RINGING)
    result = models.CharField(_("итог"), max_length=8, choices=Result.choices, blank=True)
    outcome = models.CharField(_("результат разговора"), max_length=16, choices=Outcome.choices, blank=True)
    comment = models.CharField(_("комментарий"), max_length=1000, blank=True)
    started_at = models.DateTimeField(_("начало"))
    answered_at = models.DateTimeField(_("ответ"), null=True, blank=True)
    ended_at = models.DateTimeField(_("конец"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("ожидание, с"), default=0)
    duration = models.PositiveIntegerField(_("разговор, с"), default=0)
    recording_url = models.CharField(_("запись у АТС"), max_length=500, blank=True)
    recording = models.FileField(_("запись разговора"), upload_to="telephony/recordings/%Y/%m/", blank=True)
    # NULL until the PBX names the call: (pbx, provider_id) is unique, and NULLs never clash (MariaDB has no
    # partial unique index).
    provider_id = models.CharField(_("номер звонка в АТС"), max_length=100, null=True, blank=True)
    error_text = models.CharField(_("ошибка"), max_length=500, blank=True)
    lead_id = models.PositiveBigIntegerField(_("лид"), null=True, blank=True, db_index=True)
    counterparty_id = models.PositiveBigIntegerField(_("клиент"), null=True, blank=True)
    contract_id = models.PositiveBigIntegerField(_("договор"), null=True, blank=True)
    planned_call_id = models.PositiveBigIntegerField(_("запланированный звонок"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("кто позвонил"))

    class Meta:
        verbose_name = _("звонок")
        verbose_name_plural = _("журнал звонков")
        ordering = ["-started_at", "-id"]
        permissions = [("listen_recording", _("Прослушивание записей разговоров")),
                       ("view_call_stats", _("Статистика звонков"))]
        constraints = [
            models.UniqueConstraint(fields=["pbx", "provider_id"], name="call_unique_provider_id"),
        ]
        indexes = [
            models.Index(fields=["employee", "started_at"], name="call_employee_idx"),
            models.Index(fields=["office", "started_at"], name="call_office_idx"),
            models.Index(fields=["state", "extension"], name="call_live_idx"),
            # the whole log newest first, and a day's calls for the summary's rebuild (3,000,000 rows: no scan)
            models.Index(fields=["started_at"], name="call_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {format_phone(self.client_phone or self.to_number)}"

    @property
    def is_live(self) -> bool:
        return self.state != self.State.ENDED


class CallPhonePart(models.Model):
    """A suffix of a call's client-number digits (core/phone_parts.py): the call log finds a call by any contiguous
    part of the number — the tail read from a missed-call list — with a range read on the key. Written by the
    telephony services with the call."""

    pk = models.CompositePrimaryKey("part", "call")
    part = models.CharField(_("цифры номера"), max_length=15)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+", verbose_name=_("звонок"))

    class Meta:
        verbose_name = _("часть номера звонка")
        verbose_name_plural = _("части номеров звонков")

    def __str__(self) -> str:
        return self.part


class CallDaySummary(models.Model):
    """Ended calls summed per day (the server's time zone, by the call's start), office, employee, direction, result
    and company number: what the statistics read, so a month of 200 offices sums a few thousand rows instead of
    scanning a million calls. Written by the call-record service as a call ends (services.summary_*), rebuilt for a
    day by a job; never edited by hand. `key` spells the grouping (NULLs included) so a row is found and counted up
    with one unique index on every database."""

    key = models.CharField(max_length=120, unique=True, editable=False)
    day = models.DateField(_("день"))
    # A deleted employee or number leaves their calls in the sums (as the calls keep theirs: SET_NULL).
    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("офис"))
    employee = models.ForeignKey("org.Employee", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("сотрудник"))
    company_number = models.ForeignKey(CompanyNumber, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="day_summaries", verbose_name=_("номер компании"))
    direction = models.CharField(_("направление"), max_length=3, choices=Call.Direction.choices)
    result = models.CharField(_("итог"), max_length=8, choices=Call.Result.choices, blank=True)
    calls = models.PositiveIntegerField(_("звонков"), default=0)
    talk_seconds = models.PositiveBigIntegerField(_("разговор, с"), default=0)
    wait_seconds = models.PositiveBigIntegerField(_("ожидание, с"), default=0)

    class Meta:
        verbose_name = _("звонки за день")
        verbose_name_plural = _("звонки по дням")
        default_permissions = ()
        indexes = [models.Index(fields=["day", "office"], name="calldaysum_day_office")]

    def __str__(self) -> str:
        return f"{self.day} {self.direction} {self.result}: {self.calls}"
