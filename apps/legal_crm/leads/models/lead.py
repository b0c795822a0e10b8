"""The lead and everything recorded about how it arrived and moved."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.fields import PhoneField
from legal_crm.core.models import TimeStampedModel
from legal_crm.core.validators import format_phone


class Lead(TimeStampedModel):
    """A person who may become a client. `phone` is E.164 and indexed: every search goes through it."""

    phone = PhoneField(_("телефон"))
    name = models.CharField(_("имя"), max_length=200, blank=True, db_index=True)
    office = models.ForeignKey("org.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="leads",
                               db_index=False, verbose_name=_("офис"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    db_index=False, related_name="leads", verbose_name=_("ответственный"))
    type = models.ForeignKey("leads.LeadType", on_delete=models.PROTECT, related_name="leads",
                             db_index=False, verbose_name=_("тип"))
    status = models.ForeignKey("leads.LeadStatus", on_delete=models.PROTECT, related_name="leads",
                               db_index=False, verbose_name=_("статус"))
    status_changed_at = models.DateTimeField(_("статус изменён"), null=True, blank=True)
    refusal_reason = models.ForeignKey("leads.RefusalReason", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="leads", verbose_name=_("причина отказа"))
    source = models.ForeignKey("marketing.AdSource", null=True, blank=True, on_delete=models.PROTECT,
                               db_index=False, related_name="leads", verbose_name=_("источник"))
    partner = models.ForeignKey("marketing.Partner", null=True, blank=True, on_delete=models.PROTECT,
                                db_index=False, related_name="leads", verbose_name=_("партнёр"))
    external_id = models.CharField(_("номер у партнёра"), max_length=100, null=True, blank=True)
    utm_source = models.CharField(_("UTM: источник"), max_length=200, blank=True)
    utm_medium = models.CharField(_("UTM: канал"), max_length=200, blank=True)
    utm_campaign = models.CharField(_("UTM: кампания"), max_length=200, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    # Consent to personal data processing (152-ФЗ) and to advertising (38-ФЗ), as given.
    consent_personal_data = models.BooleanField(_("согласие на обработку ПДн"), default=False)
    consent_ads = models.BooleanField(_("согласие на рекламу"), default=False)
    consent_text = models.TextField(_("текст согласия"), blank=True)
    consent_at = models.DateTimeField(_("согласие дано"), null=True, blank=True)
    consent_source = models.CharField(_("где дано согласие"), max_length=200, blank=True)
    consent_ip = models.GenericIPAddressField(_("IP при согласии"), null=True, blank=True)
    is_spam = models.BooleanField(_("спам"), default=False)
    spam_rule = models.ForeignKey("leads.SpamRule", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="leads", verbose_name=_("сработало правило"))
    segment = models.CharField(_("сегмент"), max_length=50, blank=True)
    score = models.IntegerField(_("баллы анкеты"), null=True, blank=True)
    service = models.ForeignKey("directory.Service", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("интересует услуга"))
    client = models.ForeignKey("directory.Counterparty", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="leads", verbose_name=_("клиент"))
    tags = models.ManyToManyField("directory.Tag", blank=True, related_name="leads",
                                  limit_choices_to={"group": "lead"}, verbose_name=_("теги"))
    last_contact_at = models.DateTimeField(_("последнее обращение"), null=True, blank=True)
    contacts_count = models.PositiveIntegerField(_("обращений"), default=1)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "last_contact_at", "contacts_count"])

    class Meta:
        verbose_name = _("лид")
        verbose_name_plural = _("лиды")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="uniq_lead_partner_external_id"),
        ]
        # Ascending on purpose: the lists order by (-created_at, -id); InnoDB appends the primary key to each
        # secondary index, so a backward scan of (x, created_at[, id]) yields exactly that order, no filesort.
        indexes = [
            models.Index(fields=["office", "created_at"], name="lead_office_created_asc"),
            models.Index(fields=["status", "created_at"], name="lead_status_created_asc"),
            models.Index(fields=["assigned_to", "status", "created_at"], name="lead_assignee_load"),
            models.Index(fields=["source", "created_at"], name="lead_source_created"),
            models.Index(fields=["partner", "created_at"], name="lead_partner_created"),
            models.Index(fields=["type", "created_at"], name="lead_type_created_asc"),
            models.Index(fields=["phone", "created_at"], name="lead_phone_created_asc"),
        ]
        permissions = [("take_leads", _("Получает новые лиды при распределении")),
                       ("restore_spam", _("Восстанавливает лиды из спама")),
                       ("reassign_lead", _("Переназначает лиды")),
                       ("merge_clients", _("Объединяет дубли клиентов"))]

    def __str__(self) -> str:
        return f"{self.name or _('Без имени')} {format_phone(self.phone)}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


class LeadPhonePart(models.Model):
    """A suffix of a lead's phone digits (core/phone_parts.py): search by any contiguous part of the number is a
    range read on the key. Written by the lead services with the phone."""

    pk = models.CompositePrimaryKey("part", "lead")
    part = models.CharField(_("цифры номера"), max_length=15)
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+", verbose_name=_("лид"))

    class Meta:
        verbose_name = _("часть номера лида")
        verbose_name_plural = _("части номеров лидов")

    def __str__(self) -> str:
        return self.part


class LeadContact(models.Model):
    """One incoming contact: the first one of a lead and every later duplicate recorded on it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("лид"),
                             db_index=False)  # leadcontact_lead_at starts with it
    at = models.DateTimeField(_("когда"), auto_now_add=True)
    is_duplicate = models.BooleanField(_("повторное"), default=False)
    phone = models.CharField(_("телефон"), max_length=16)
    name = models.CharField(_("имя"), max_length=200, blank=True)
    source = models.ForeignKey("marketing.AdSource", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("источник"))
    partner = models.ForeignKey("marketing.Partner", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("партнёр"))
    external_id = models.CharField(_("номер у партнёра"), max_length=100, blank=True)
    utm_source = models.CharField(_("UTM: источник"), max_length=200, blank=True)
    utm_medium = models.CharField(_("UTM: канал"), max_length=200, blank=True)
    utm_campaign = models.CharField(_("UTM: кампания"), max_length=200, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("обращение")
        verbose_name_plural = _("обращения")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["lead", "-at"], name="leadcontact_lead_at"),
            # Also the partner foreign key's index. No phone index: contacts are read by their lead only (a
            # phone is found through the lead's phone-part key), and every intake would pay for one.
            models.Index(fields=["partner", "at"], name="leadcontact_partner_at"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {timezone.localtime(self.at):%d.%m.%Y %H:%M}"


class LeadStatusLog(models.Model):
    """Every status change, for reports and the lead's timeline."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="status_log", verbose_name=_("лид"))
    at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)
    from_status = models.ForeignKey("leads.LeadStatus", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("из статуса"))
    to_status = models.ForeignKey("leads.LeadStatus", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("в статус"))
    reason = models.ForeignKey("leads.RefusalReason", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("причина"))
    comment = models.CharField(_("комментарий"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("кто"))

    class Meta:
        verbose_name = _("смена статуса")
        verbose_name_plural = _("смены статусов")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["lead", "-at"], name="leadstatuslog_lead_at")]

    def __str__(self) -> str:
        if self.from_status_id is None:  # the lead's first status
            return f"{self.lead_id}: {self.to_status}"
        return f"{self.lead_id}: {self.from_status} → {self.to_status}"


class IntakeLock(models.Model):
    """One row per phone number, locked (SELECT … FOR UPDATE) while an incoming lead with that number is
    deduplicated, so two simultaneous posts of the same person create one lead."""

    phone = models.CharField(max_length=16, unique=True)

    class Meta:
        verbose_name = _("блокировка приёма")
        verbose_name_plural = _("блокировки приёма")

    def __str__(self) -> str:
        return self.phone


class ClientMerge(models.Model):
    """A merge of duplicate counterparties: which record survived, which went, what moved."""

    at = models.DateTimeField(_("когда"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("кто"))
    survivor = models.ForeignKey("directory.Counterparty", null=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("оставлен"))
    merged_id = models.PositiveBigIntegerField(_("объединён (номер)"))
    merged_snapshot = models.JSONField(_("данные объединённого"), default=dict)
    moved_lead_ids = models.JSONField(_("перенесённые лиды"), default=list)

    class Meta:
        verbose_name = _("объединение клиентов")
        verbose_name_plural = _("объединения клиентов")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"
