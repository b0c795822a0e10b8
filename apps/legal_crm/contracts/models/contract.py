"""The contract: who, what service, which office, at what price, and where in its lifecycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel

_LATIN_TO_CYRILLIC = str.maketrans({
    "a": "А", "b": "Б", "v": "В", "g": "Г", "d": "Д", "e": "Е", "z": "З", "i": "И", "j": "Й", "k": "К",
    "l": "Л", "m": "М", "n": "Н", "o": "О", "p": "П", "r": "Р", "s": "С", "t": "Т", "u": "У", "f": "Ф",
    "h": "Х", "c": "Ц", "y": "Ы", "w": "В", "x": "КС", "q": "К", "_": "-",
})


PREFIX_MAX_LENGTH = 12


def default_prefix(office_code: str, taken=frozenset()) -> str:
    """"msk" → "МСК": the office code spelt in Cyrillic capitals, the default contract prefix. Two codes may
    spell the same ("kzn" and "qzn" → "КЗН"): when the natural prefix is in `taken`, a digit is appended
    ("КЗН2", "КЗН3"...) until it is free."""
    natural = office_code.lower().translate(_LATIN_TO_CYRILLIC).upper()[:PREFIX_MAX_LENGTH] or "Д"
    if natural not in taken:
        return natural
    n = 2
    while True:
        suffix = str(n)
        candidate = natural[:PREFIX_MAX_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


class Contract(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Черновик")
        SIGNED = "signed", _("Подписан")
        IN_WORK = "in_work", _("В работе")
        COMPLETED = "completed", _("Исполнен")
        TERMINATED = "terminated", _("Расторгнут")

    number = models.CharField(_("номер"), max_length=32, unique=True)
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("офис"))
    client = models.ForeignKey("directory.Counterparty", on_delete=models.PROTECT, related_name="contracts",
                               verbose_name=_("клиент"))
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="contracts",
                                verbose_name=_("услуга"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    price = MoneyField(_("стоимость"), default=0)
    signed_on = models.DateField(_("дата подписания"), null=True, blank=True)
    work_started_on = models.DateField(_("начало работ"), null=True, blank=True)
    completed_on = models.DateField(_("дата исполнения"), null=True, blank=True)
    terminated_on = models.DateField(_("дата расторжения"), null=True, blank=True)
    sales_manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="sold_contracts", verbose_name=_("менеджер продаж"))
    lawyers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="contracts_as_lawyer",
                                     verbose_name=_("ответственные юристы"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("создал"))
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="contracts",
                             verbose_name=_("лид"))
    # General information (SPEC 5.3.1)
    essence = models.TextField(_("суть дела"), blank=True)
    planned_actions = models.TextField(_("планируемые юридические действия"), blank=True)
    client_expectations = models.TextField(_("ожидания клиента"), blank=True)
    expected_start_on = models.DateField(_("ожидаемое начало"), null=True, blank=True)
    expected_end_on = models.DateField(_("ожидаемое завершение"), null=True, blank=True)
    custom_fields = models.JSONField(_("поля услуги"), default=dict, blank=True,
                                     help_text=_("Значения дополнительных полей, заданных для услуги."))
    history = HistoricalRecords(m2m_fields=[lawyers], excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("договор")
        verbose_name_plural = _("договоры")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["office", "status", "-created_at"], name="contract_office_status_idx"),
            models.Index(fields=["status", "signed_on"], name="contract_status_signed_idx"),
            models.Index(fields=["service", "status"], name="contract_service_status_idx"),
        ]
        permissions = [
            ("view_office_contracts", _("Видит все договоры своих офисов (без этого права — только свои)")),
            ("sign_contract", _("Подписывает договоры")),
            ("manage_contract_work", _("Ведёт работу по договору: этапы, завершение")),
            ("act_as_contract_lawyer", _("Может быть назначен юристом договора")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SIGNED, self.Status.IN_WORK)

    # What may be done to the contract in its status. The services refuse by these predicates and the card shows
    # its buttons by them, so a button is never offered for a move the service would refuse.
    def can_sign(self) -> bool:
        return self.status == self.Status.DRAFT

    def can_change_terms(self) -> bool:
        """The price and the service: only in a draft."""
        return self.status == self.Status.DRAFT

    def can_start_work(self) -> bool:
        return self.status == self.Status.SIGNED

    def can_complete(self) -> bool:
        return self.status == self.Status.IN_WORK

    def can_change_stages(self) -> bool:
        return self.status == self.Status.IN_WORK

    def can_add_expense(self) -> bool:
        """Expenses and extra work are recorded on the stages of a contract in work."""
        return self.status == self.Status.IN_WORK

    def can_add_action(self) -> bool:
        return self.status != self.Status.TERMINATED

    def can_issue_invoices(self) -> bool:
        return self.status != self.Status.TERMINATED

    def accepts_client_documents(self) -> bool:
        """The client sends documents through the portal while the work is ahead or going on; a completed or
        terminated contract takes none (nobody works on it to read them)."""
        return self.status not in (self.Status.COMPLETED, self.Status.TERMINATED)

    def can_terminate(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SIGNED, self.Status.IN_WORK)


class ContractNumberCounter(models.Model):
    """The last number issued per office and year; locked with SELECT … FOR UPDATE while numbering."""

    office = models.ForeignKey("org.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("офис"))
    year = models.PositiveSmallIntegerField(_("год"))
    last_value = models.PositiveIntegerField(_("последний номер"), default=0)

    class Meta:
        verbose_name = _("счётчик номеров договоров")
        verbose_name_plural = _("счётчики номеров договоров")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="uniq_contract_counter_office_year")]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last_value}"


class ContractNumbering(models.Model):
    """The prefix of an office's contract numbers ("МСК" in МСК-2026-00042)."""

    office = models.OneToOneField("org.Office", on_delete=models.CASCADE, related_name="contract_numbering",
                                  verbose_name=_("офис"))
    prefix = models.CharField(_("префикс номера"), max_length=PREFIX_MAX_LENGTH, unique=True,
                              help_text=_("Начало номеров договоров офиса: «МСК» в МСК-2026-00042. У каждого офиса "
                                          "свой префикс."))

    class Meta:
        verbose_name = _("нумерация договоров офиса")
        verbose_name_plural = _("нумерация договоров офисов")

    def __str__(self) -> str:
        return self.prefix
