"""The bankruptcy specifics of a contract's general information (SPEC 5.3.1, DOMAIN.md)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.dates import HEARING, PAST_EVENT, date_errors
from legal_crm.core.fields import MoneyField
from legal_crm.core.models import TimeStampedModel

# А40-12345/2025: the arbitration court's code, the case's serial number, the year.
CASE_NUMBER_RE = re.compile(r"^А\d{2,3}-\d{1,7}/\d{4}$")


def normalize_case_number(value: str) -> str:
    """Latin "A" typed for the Cyrillic "А", spaces around the parts, "a40" — all become А40-12345/2025."""
    value = re.sub(r"\s+", "", value or "").upper()
    if value[:1] == "A":
        value = "А" + value[1:]
    return value


def validate_case_number(value: str) -> None:
    if value and not CASE_NUMBER_RE.match(normalize_case_number(value)):
        raise ValidationError(_("Номер дела — в формате А40-12345/2025."), code="case_number")


class BankruptcyCase(TimeStampedModel):
    class Route(models.TextChoices):
        JUDICIAL = "judicial", _("Судебное банкротство")
        OUT_OF_COURT = "out_of_court", _("Внесудебное банкротство через МФЦ")

    contract = models.OneToOneField("contracts.Contract", on_delete=models.CASCADE, related_name="bankruptcy",
                                    verbose_name=_("договор"))
    route = models.CharField(_("процедура"), max_length=16, choices=Route.choices, default=Route.JUDICIAL)
    court = models.ForeignKey("directory.Counterparty", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", limit_choices_to={"role": "court"}, verbose_name=_("суд"))
    case_number = models.CharField(_("номер дела"), max_length=32, blank=True, validators=[validate_case_number])
    financial_manager = models.ForeignKey("directory.FinancialManager", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("финансовый управляющий"))
    sro = models.ForeignKey("directory.SelfRegulatoryOrganization", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+", verbose_name=_("СРО"))
    court_deposit = MoneyField(_("депозит суда"), default=0,
                               help_text=_("Вознаграждение финансового управляющего на депозит суда."))
    deposit_paid_on = models.DateField(_("депозит внесён"), null=True, blank=True)
    filed_on = models.DateField(_("заявление подано"), null=True, blank=True)
    hearing_on = models.DateField(_("судебное заседание"), null=True, blank=True)
    monthly_income = MoneyField(_("доход в месяц"), default=0)
    income_note = models.TextField(_("источники дохода"), blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("банкротство: сведения")
        verbose_name_plural = _("банкротство: сведения")

    def __str__(self) -> str:
        return self.case_number or str(self.contract)

    def clean(self):
        self.case_number = normalize_case_number(self.case_number)
        # full_clean() runs this after clean_fields() even when a field failed to convert: only numbers compare.
        errors = {field: _("Сумма не может быть отрицательной.") for field in ("court_deposit", "monthly_income")
                  if isinstance(getattr(self, field), Decimal | int) and getattr(self, field) < 0}
        errors.update(date_errors({"filed_on": (self.filed_on, PAST_EVENT),
                                   "deposit_paid_on": (self.deposit_paid_on, PAST_EVENT),
                                   "hearing_on": (self.hearing_on, HEARING)}))
        if errors:
            raise ValidationError(errors)


class Creditor(models.Model):
    """One debt of the client to one creditor. A creditor often has several (a credit card and a loan at one bank):
    each is its own row with its kind, basis and amount."""

    class Kind(models.TextChoices):
        LOAN = "loan", _("Кредит")
        CREDIT_CARD = "credit_card", _("Кредитная карта")
        MICROLOAN = "microloan", _("Микрозаём")
        MORTGAGE = "mortgage", _("Ипотека")
        CAR_LOAN = "car_loan", _("Автокредит")
        TAX = "tax", _("Налоги и сборы")
        UTILITIES = "utilities", _("ЖКУ")
        PRIVATE = "private", _("Долг частному лицу")
        OTHER = "other", _("Другое")

    case = models.ForeignKey(BankruptcyCase, on_delete=models.CASCADE, related_name="creditors",
                             verbose_name=_("дело"))
    counterparty = models.ForeignKey("directory.Counterparty", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("кредитор"))
    kind = models.CharField(_("вид долга"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    debt_amount = MoneyField(_("сумма долга"))
    basis = models.CharField(_("основание"), max_length=300, blank=True, help_text=_("Кредитный договор, заём…"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("долг кредитору")
        verbose_name_plural = _("долги кредиторам")
        ordering = ["counterparty__name", "-debt_amount", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(debt_amount__gt=0), name="creditor_debt_positive",
                                   violation_error_message=_("Сумма долга кредитору должна быть больше нуля.")),
        ]

    def __str__(self) -> str:
        return f"{self.counterparty}: {self.get_kind_display()}"


class PropertyItem(models.Model):
    class Kind(models.TextChoices):
        REAL_ESTATE = "real_estate", _("Недвижимость")
        VEHICLE = "vehicle", _("Транспорт")
        ACCOUNT = "account", _("Счёт, вклад")
        SECURITIES = "securities", _("Ценные бумаги, доли")
        OTHER = "other", _("Другое")

    case = models.ForeignKey(BankruptcyCase, on_delete=models.CASCADE, related_name="property_items",
                             verbose_name=_("дело"))
    kind = models.CharField(_("вид"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("описание"), max_length=500)
    value = MoneyField(_("оценка"), default=0)
    is_sole_residence = models.BooleanField(_("единственное жильё"), default=False)
    is_pledged = models.BooleanField(_("в залоге"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("имущество")
        verbose_name_plural = _("имущество")
        ordering = ["kind", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(value__gte=0), name="property_value_non_negative",
            violation_error_message=_("Стоимость имущества не может быть отрицательной."))]

    def __str__(self) -> str:
        return self.description
