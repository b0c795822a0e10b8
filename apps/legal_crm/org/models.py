import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.dates import EMPLOYMENT, PLANNED, date_errors
from legal_crm.core.fields import PhoneField
from legal_crm.core.formatting import format_number
from legal_crm.core.models import TimeStampedModel
from legal_crm.core.regions import REGIONS
from legal_crm.core.validators import (
    bank_details_errors,
    validate_inn_company,
    validate_kpp,
    validate_ogrn,
)

# Russia's time zones, fixed here so migrations do not depend on the machine's tz database.
TIME_ZONES = [
    ("Europe/Kaliningrad", _("Калининград (МСК−1)")), ("Europe/Moscow", _("Москва (МСК)")),
    ("Europe/Samara", _("Самара (МСК+1)")), ("Asia/Yekaterinburg", _("Екатеринбург (МСК+2)")),
    ("Asia/Omsk", _("Омск (МСК+3)")), ("Asia/Novosibirsk", _("Новосибирск (МСК+4)")),
    ("Asia/Krasnoyarsk", _("Красноярск (МСК+4)")), ("Asia/Irkutsk", _("Иркутск (МСК+5)")),
    ("Asia/Yakutsk", _("Якутск (МСК+6)")), ("Asia/Vladivostok", _("Владивосток (МСК+7)")),
    ("Asia/Magadan", _("Магадан (МСК+8)")), ("Asia/Kamchatka", _("Камчатка (МСК+9)")),
]
WEEKDAYS = [(0, _("Понедельник")), (1, _("Вторник")), (2, _("Среда")), (3, _("Четверг")),
            (4, _("Пятница")), (5, _("Суббота")), (6, _("Воскресенье"))]


class Office(TimeStampedModel):
    name = models.CharField(_("название"), max_length=200, unique=True)
    code = models.SlugField(_("код"), max_length=32, unique=True)
    city = models.CharField(_("город"), max_length=100)
    region = models.CharField(_("регион"), max_length=2, choices=REGIONS, blank=True,
                              help_text=_("Субъект РФ: по нему выбираются региональные значения меток сообщений."))
    address = models.CharField(_("адрес"), max_length=300)
    phone = PhoneField(_("телефон"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(_("часовой пояс"), max_length=64, choices=TIME_ZONES, default="Europe/Moscow")
    booking_limit_per_hour = models.PositiveSmallIntegerField(
        _("лимит записей в час"), default=2, help_text=_("Сколько встреч можно назначить на один рабочий час.")
    )
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("долгота"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Legal entity that signs contracts in this office.
    legal_name = models.CharField(_("юридическое лицо"), max_length=300, blank=True)
    inn = models.CharField(_("ИНН"), max_length=10, blank=True, validators=[validate_inn_company])
    kpp = models.CharField(_("КПП"), max_length=9, blank=True, validators=[validate_kpp])
    ogrn = models.CharField(_("ОГРН"), max_length=15, blank=True, validators=[validate_ogrn])
    legal_address = models.CharField(_("юридический адрес"), max_length=300, blank=True)
    bank_name = models.CharField(_("банк"), max_length=200, blank=True)
    bik = models.CharField(_("БИК"), max_length=9, blank=True)
    account = models.CharField(_("расчётный счёт"), max_length=20, blank=True)
    corr_account = models.CharField(_("корр. счёт"), max_length=20, blank=True)
    is_active = models.BooleanField(_("работает"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("офис")
        verbose_name_plural = _("офисы")
        ordering = ["name"]
        permissions = [("view_all_offices", _("Видит данные всех офисов"))]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = bank_details_errors(bik=self.bik, account=self.account, corr_account=self.corr_account)
        if errors:
            raise ValidationError(errors)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return f"https://yandex.ru/maps/?pt={self.longitude},{self.latitude}&z=16"


class OfficeHours(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="hours", verbose_name=_("офис"))
    weekday = models.PositiveSmallIntegerField(_("день недели"), choices=WEEKDAYS)
    opens = models.TimeField(_("открывается"))
    closes = models.TimeField(_("закрывается"))

    class Meta:
        verbose_name = _("часы работы")
        verbose_name_plural = _("часы работы")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["office", "weekday"], name="uniq_office_weekday"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="office_hours_order",
                                   violation_error_message=_("Офис должен закрываться позже, чем открывается.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OfficePhoto(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="photos", verbose_name=_("офис"))
    image = models.ImageField(_("фото"), upload_to="offices/%Y/")
    caption = models.CharField(_("подпись"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("фото офиса")
        verbose_name_plural = _("фото офиса")

    def __str__(self) -> str:
        return self.caption or self.image.name


class Position(models.Model):
    name = models.CharField(_("название"), max_length=150, unique=True)
    code = models.SlugField(_("код"), max_length=50, unique=True)
    default_group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("группа доступа по умолчанию")
    )

    class Meta:
        verbose_name = _("должность")
        verbose_name_plural = _("должности")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Employee(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Работает")
        ON_LEAVE = "on_leave", _("В отпуске")
        BLOCKED = "blocked", _("Заблокирован")
        DISMISSED = "dismissed", _("Уволен")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee",
                                verbose_name=_("учётная запись"))
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("должность"))
    status = models.CharField(_("статус"), max_length=16, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    main_office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("основной офис"))
    offices = models.ManyToManyField(Office, blank=True, related_name="employees", verbose_name=_("офисы"))
    phone = PhoneField(_("телефон"), blank=True)
    extension = models.CharField(_("внутренний номер"), max_length=10, blank=True)
    hired_on = models.DateField(_("дата приёма"), null=True, blank=True)
    dismissed_on = models.DateField(_("дата увольнения"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("сотрудник")
        verbose_name_plural = _("сотрудники")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def status_text(self) -> str:
        """The status as people read it: «Уволен с 27.11.2026», «Увольняется 15.12.2026», «Работает»."""
        if self.status == self.Status.DISMISSED and self.dismissed_on:
            return _("Уволен с %(date)s") % {"date": self.dismissed_on.strftime("%d.%m.%Y")}
        if self.dismissed_on and self.status != self.Status.DISMISSED:
            return _("Увольняется %(date)s") % {"date": self.dismissed_on.strftime("%d.%m.%Y")}
        return str(self.get_status_display())

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = date_errors({"hired_on": (self.hired_on, EMPLOYMENT), "dismissed_on": (self.dismissed_on, EMPLOYMENT)})
        if errors:
            raise ValidationError(errors)


# Staff units of one position in one office: a typo of a few zeros (99 999 999 999) must not become the plan.
HEADCOUNT_MIN, HEADCOUNT_MAX = 1, 10_000
HEADCOUNT_ERROR = _("Укажите число штатных единиц от 1 до 10 000.")


class StaffingPlan(models.Model):
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="staffing", verbose_name=_("офис"))
    position = models.ForeignKey(Position, on_delete=models.CASCADE, verbose_name=_("должность"))
    headcount = models.PositiveSmallIntegerField(
        _("штатных единиц"), help_text=_("От 1 до 10 000 на должность в офисе."),
        validators=[MinValueValidator(HEADCOUNT_MIN, message=HEADCOUNT_ERROR),
                    MaxValueValidator(HEADCOUNT_MAX, message=HEADCOUNT_ERROR)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("штатное расписание")
        verbose_name_plural = _("штатное расписание")
        constraints = [
            models.UniqueConstraint(fields=["office", "position"], name="uniq_staffing_office_position"),
            models.CheckConstraint(condition=models.Q(headcount__gte=HEADCOUNT_MIN, headcount__lte=HEADCOUNT_MAX),
                                   name="staffing_headcount_range", violation_error_message=HEADCOUNT_ERROR),
        ]

    def __str__(self) -> str:
        # Digits grouped as the number's cell beside it shows them: «× 10 000», not «× 10000».
        headcount = format_number(self.headcount) if isinstance(self.headcount, int) else self.headcount
        return f"{self.office}: {self.position} × {headcount}"


class OffboardingTemplateItem(models.Model):
    """One item of the checklist opened when an employee of this position leaves."""

    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="offboarding_items", verbose_name=_("должность"),
                                 help_text=_("Пусто — пункт для всех должностей."))
    text = models.CharField(_("пункт"), max_length=300)
    responsible_group = models.ForeignKey("auth.Group", on_delete=models.PROTECT, verbose_name=_("кто подписывает"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("пункт обходного листа")
        verbose_name_plural = _("обходной лист: шаблон")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class OffboardingChecklist(TimeStampedModel):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="offboardings",
                                 verbose_name=_("сотрудник"))
    dismissal_date = models.DateField(_("дата увольнения"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("открыл"))
    completed_at = models.DateTimeField(_("закрыт"), null=True, blank=True)

    class Meta:
        verbose_name = _("обходной лист")
        verbose_name_plural = _("обходные листы")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.employee} — {self.dismissal_date:%d.%m.%Y}"


class OffboardingItem(models.Model):
    checklist = models.ForeignKey(OffboardingChecklist, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("обходной лист"))
    text = models.CharField(_("пункт"), max_length=300)
    responsible_group = models.ForeignKey("auth.Group", on_delete=models.PROTECT, verbose_name=_("кто подписывает"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("подписал"))
    signed_at = models.DateTimeField(_("подписано"), null=True, blank=True)
    comment = models.CharField(_("комментарий"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("пункт обходного листа")
        verbose_name_plural = _("пункты обходного листа")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class Banner(TimeStampedModel):
    """A message on the desk's home page for a date or a range (SPEC 6.8)."""

    class Level(models.TextChoices):
        INFO = "info", _("Информация")
        SUCCESS = "success", _("Успех")
        WARNING = "warning", _("Внимание")

    title = models.CharField(_("заголовок"), max_length=200)
    text = models.TextField(_("текст"), blank=True)
    level = models.CharField(_("вид"), max_length=10, choices=Level.choices, default=Level.INFO)
    starts_on = models.DateField(_("с"))
    ends_on = models.DateField(_("по"), null=True, blank=True, help_text=_("Пусто — только в день начала."))
    groups = models.ManyToManyField("auth.Group", blank=True, verbose_name=_("группы"),
                                    help_text=_("Пусто — всем группам."))
    offices = models.ManyToManyField(Office, blank=True, verbose_name=_("офисы"), help_text=_("Пусто — всем офисам."))
    is_archived = models.BooleanField(_("в архиве"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("баннер")
        verbose_name_plural = _("баннеры")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="banner_range_order",
                                   violation_error_message=_("Конец показа не может быть раньше его начала.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = date_errors({"starts_on": (self.starts_on, PLANNED), "ends_on": (self.ends_on, PLANNED)})
        if errors:
            raise ValidationError(errors)
