"""Ad sources and partners: where leads come from (SPEC 5.1.2, 5.1.3)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import PhoneField
from legal_crm.core.models import TimeStampedModel


class AdSource(TimeStampedModel):
    """An advertising source. Leads name it by `code`; operators read `operator_info` while calling. The lead type
    its leads get is leads' (leads.SourceLeadType): marketing sits below leads."""

    class Channel(models.TextChoices):
        SITE = "site", _("Сайт")
        CONTEXT = "context", _("Контекстная реклама")
        SEO = "seo", _("Поиск (SEO)")
        SOCIAL = "social", _("Социальные сети")
        MESSENGER = "messenger", _("Мессенджеры")
        PHONE = "phone", _("Телефон")
        PARTNER = "partner", _("Партнёры")
        OFFLINE = "offline", _("Офлайн-реклама")
        MEDIA = "media", _("ТВ, радио, пресса")
        REFERRAL = "referral", _("Рекомендации")
        OTHER = "other", _("Другое")

    code = models.SlugField(_("код"), max_length=64, unique=True,
                            help_text=_("Код, который сайты и партнёры передают в поле source."))
    name = models.CharField(_("название"), max_length=200)
    channel = models.CharField(_("канал"), max_length=16, choices=Channel.choices, default=Channel.SITE,
                               db_index=True)
    operator_info = models.TextField(_("информация для операторов"), blank=True,
                                     help_text=_("Что обещает реклама, какие условия назвать клиенту."))
    expects_mobile = models.BooleanField(_("ожидается мобильный номер"), default=True,
                                         help_text=_("Городской номер из такого источника считается спамом."))
    is_active = models.BooleanField(_("активен"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("рекламный источник")
        verbose_name_plural = _("рекламные источники")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(TimeStampedModel):
    """A partner service that pushes leads through the API under its own user and token."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    api_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_partner",
        verbose_name=_("пользователь API"),
        help_text=_("Лиды, присланные с токеном этого пользователя, считаются лидами партнёра."),
    )
    field_mapping = models.JSONField(
        _("сопоставление полей"), default=dict, blank=True,
        help_text=_('Поле партнёра → поле CRM, например {"fio": "name", "tel": "phone"}.'),
    )
    default_source = models.ForeignKey(AdSource, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="partners", verbose_name=_("источник по умолчанию"))
    contact_name = models.CharField(_("контактное лицо"), max_length=200, blank=True)
    # E.164 like every phone of the product (core.fields.PhoneField: typed any way, checked, normalised); 32 long
    # as before, so numbers typed before the check, kept as typed, still fit until someone corrects them.
    contact_phone = PhoneField(_("телефон контакта"), max_length=32, blank=True)
    note = models.TextField(_("примечание"), blank=True)
    is_active = models.BooleanField(_("активен"), default=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("партнёр")
        verbose_name_plural = _("партнёры")
        ordering = ["name"]
        permissions = [("view_lead_report", _("Видит отчёт «Лиды по источникам»")),
                       ("manage_partner_token", _("Выпускает токены API партнёров"))]

    def __str__(self) -> str:
        return self.name
