from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.dates import BIRTH, ISSUED, date_errors
from legal_crm.core.fields import MoneyField, PhoneField
from legal_crm.core.models import TimeStampedModel
from legal_crm.core.regions import REGIONS
from legal_crm.core.validators import (
    bank_details_errors,
    digits,
    format_snils,
    validate_color,
    validate_department_code,
    validate_inn,
    validate_inn_company,
    validate_inn_person,
    validate_kpp,
    validate_ogrn,
    validate_passport_number,
    validate_passport_series,
    validate_snils,
)


class Tag(models.Model):
    class Group(models.TextChoices):
        CLIENT = "client", _("Клиенты")
        QUESTIONNAIRE = "questionnaire", _("Анкеты")
        KNOWLEDGE = "knowledge", _("База знаний")
        LEAD = "lead", _("Лиды")

    group = models.CharField(_("группа"), max_length=16, choices=Group.choices, db_index=True)
    name = models.CharField(_("название"), max_length=100)
    color = models.CharField(_("цвет"), max_length=7, default="#6b7280", validators=[validate_color],
                             help_text=_("Например, #2563eb."))

    class Meta:
        verbose_name = _("тег")
        verbose_name_plural = _("теги")
        ordering = ["group", "name"]
        constraints = [models.UniqueConstraint(fields=["group", "name"], name="uniq_tag_group_name")]

    def __str__(self) -> str:
        return self.name


class BankDetailsMixin(models.Model):
    bank_name = models.CharField(_("банк"), max_length=200, blank=True)
    bik = models.CharField(_("БИК"), max_length=9, blank=True)
    account = models.CharField(_("расчётный счёт"), max_length=20, blank=True)
    corr_account = models.CharField(_("корр. счёт"), max_length=20, blank=True)

    class Meta:
        abstract = True

    def bank_errors(self) -> dict:
        return bank_details_errors(bik=self.bik, account=self.account, corr_account=self.corr_account)


class Counterparty(BankDetailsMixin, TimeStampedModel):
    """A person or company the firm deals with: clients, creditors, courts, suppliers (SPEC 5.7.1)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Физическое лицо")
        COMPANY = "company", _("Организация")

    class Role(models.TextChoices):
        CLIENT = "client", _("Клиент")
        CREDITOR = "creditor", _("Кредитор")
        COURT = "court", _("Суд")
        SUPPLIER = "supplier", _("Поставщик")
        BUYER = "buyer", _("Покупатель")
        BAILIFF = "bailiff", _("Служба судебных приставов")
        STATE_BODY = "state_body", _("Госорган")
        OTHER = "other", _("Другое")

    kind = models.CharField(_("вид"), max_length=8, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(_("роль"), max_length=16, choices=Role.choices, default=Role.CLIENT, db_index=True)
    name = models.CharField(_("наименование / ФИО"), max_length=300, db_index=True)
    short_name = models.CharField(_("краткое наименование"), max_length=200, blank=True)
    birth_date = models.DateField(_("дата рождения"), null=True, blank=True)
    phone = PhoneField(_("телефон"), blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    region = models.CharField(_("регион"), max_length=2, choices=REGIONS, blank=True,
                              help_text=_("Субъект РФ, где живёт клиент: для региональных значений меток сообщений."))
    inn = models.CharField(_("ИНН"), max_length=12, blank=True, db_index=True, validators=[validate_inn])
    kpp = models.CharField(_("КПП"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("ОГРН / ОГРНИП"), max_length=15, blank=True, validators=[validate_ogrn])
    snils = models.CharField(_("СНИЛС"), max_length=14, blank=True, validators=[validate_snils])
    passport_series = models.CharField(_("серия паспорта"), max_length=4, blank=True,
                                       validators=[validate_passport_series])
    passport_number = models.CharField(_("номер паспорта"), max_length=6, blank=True,
                                       validators=[validate_passport_number])
    passport_issued_by = models.CharField(_("кем выдан"), max_length=300, blank=True)
    passport_issued_on = models.DateField(_("дата выдачи"), null=True, blank=True)
    passport_department_code = models.CharField(_("код подразделения"), max_length=7, blank=True,
                                                validators=[validate_department_code])
    tags = models.ManyToManyField(Tag, blank=True, limit_choices_to={"group": Tag.Group.CLIENT},
                                  verbose_name=_("теги"))
    note = models.TextField(_("примечание"), blank=True)
    # One card per legal entity: ИНН + КПП (a person has no КПП, so for a person it is the ИНН alone). The key is
    # NULL while the ИНН is empty, and NULLs never collide, so cards without an ИНН stay allowed many times — on
    # SQLite and MariaDB alike (MariaDB has no partial unique indexes; a unique generated column works on both).
    legal_key = models.GeneratedField(
        expression=models.Case(
            models.When(inn="", then=models.Value(None)),
            default=Concat("inn", models.Value("/"), "kpp"),
            output_field=models.CharField(max_length=22)),
        output_field=models.CharField(max_length=22, null=True), db_persist=True, unique=True,
        verbose_name=_("ИНН/КПП"))
    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=["created_at", "updated_at", "legal_key"])

    class Meta:
        verbose_name = _("контрагент")
        verbose_name_plural = _("контрагенты")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        # The generated key cannot be read before the card is saved; the directory's services check it (and
        # name the existing card), the database enforces it.
        exclude = {*(exclude or ()), "legal_key"}
        super().full_clean(exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints)

    def clean(self):
        errors = self.bank_errors()
        if self.snils:
            self.snils = format_snils(self.snils)
        if self.kind == self.Kind.COMPANY:
            if self.inn and len(self.inn) != 10:
                errors["inn"] = _("ИНН организации — 10 цифр.")
            if self.snils or self.passport_number:
                errors["snils" if self.snils else "passport_number"] = _("СНИЛС и паспорт указываются только для физических лиц.")
        else:
            if self.inn and len(self.inn) != 12:
                errors["inn"] = _("ИНН физического лица — 12 цифр.")
            if self.kpp:
                errors["kpp"] = _("КПП есть только у организаций.")
        if bool(self.passport_series) != bool(self.passport_number):
            errors["passport_number"] = _("Укажите и серию, и номер паспорта.")
        errors.update(date_errors({"birth_date": (self.birth_date, BIRTH),
                                   "passport_issued_on": (self.passport_issued_on, ISSUED)}))
        if errors:
            raise ValidationError(errors)

    @property
    def snils_digits(self) -> str:
        return digits(self.snils)


class CounterpartyPhonePart(models.Model):
    """A suffix of a card's phone digits (core/phone_parts.py): the directory finds a client by any contiguous part
    of the number with a range read on the key. Written by the directory services with the phone."""

    pk = models.CompositePrimaryKey("part", "counterparty")
    part = models.CharField(_("цифры номера"), max_length=15)
    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("контрагент"))

    class Meta:
        verbose_name = _("часть номера контрагента")
        verbose_name_plural = _("части номеров контрагентов")

    def __str__(self) -> str:
        return self.part


class SelfRegulatoryOrganization(TimeStampedModel):
    """An SRO of arbitration managers (DOMAIN.md)."""

    full_name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=200)
    inn = models.CharField(_("ИНН"), max_length=10, validators=[validate_inn_company])
    ogrn = models.CharField(_("ОГРН"), max_length=13, validators=[validate_ogrn])
    registry_number = models.CharField(_("номер в госреестре СРО"), max_length=50)
    address = models.CharField(_("адрес"), max_length=300)
    email = models.EmailField(_("e-mail"), blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("СРО арбитражных управляющих")
        verbose_name_plural = _("СРО арбитражных управляющих")
        ordering = ["short_name"]
        constraints = [models.UniqueConstraint(fields=["inn"], name="uniq_sro_inn")]

    def __str__(self) -> str:
        return self.short_name


class FinancialManager(TimeStampedModel):
    """A financial (arbitration) manager who runs bankruptcy procedures (DOMAIN.md)."""

    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    middle_name = models.CharField(_("отчество"), max_length=100, blank=True)
    inn = models.CharField(_("ИНН"), max_length=12, validators=[validate_inn_person])
    snils = models.CharField(_("СНИЛС"), max_length=14, validators=[validate_snils])
    registry_number = models.CharField(_("регистрационный номер"), max_length=50)
    postal_address = models.CharField(_("почтовый адрес"), max_length=300)
    phone = PhoneField(_("телефон"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    sro = models.ForeignKey(SelfRegulatoryOrganization, on_delete=models.PROTECT, related_name="managers",
                            verbose_name=_("СРО"))
    is_active = models.BooleanField(_("работаем"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("финансовый управляющий")
        verbose_name_plural = _("финансовые управляющие")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(fields=["inn"], name="uniq_fm_inn")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def clean(self):
        if self.snils:
            self.snils = format_snils(self.snils)


class ServiceGroup(models.Model):
    """A line of business: bankruptcy of individuals, debt protection, ... (SPEC 6.5.3).

    The catalogue lives in the directories so that leads (questionnaires, interest) and contracts
    (stages, templates, prices) can both refer to it without leads depending on contracts.
    """

    code = models.SlugField(_("код"), max_length=50, unique=True)
    name = models.CharField(_("название"), max_length=200, unique=True)
    is_bankruptcy = models.BooleanField(_("банкротство физлиц"), default=False,
                                        help_text=_("Договоры группы попадают в аналитику БФЛ."))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("группа услуг")
        verbose_name_plural = _("группы услуг")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="services",
                              verbose_name=_("группа"))
    code = models.SlugField(_("код"), max_length=50, unique=True)
    name = models.CharField(_("название"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    price = MoneyField(_("цена"), default=0)
    is_active = models.BooleanField(_("продаётся"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("услуга")
        verbose_name_plural = _("услуги")
        ordering = ["group__order", "name"]

    def __str__(self) -> str:
        return self.name
