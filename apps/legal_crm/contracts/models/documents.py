"""Contract documents (SPEC 5.2.4): typed, grouped, optionally published to the client's portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel


class DocumentGroup(models.TextChoices):
    CLIENT_COMPANY = "client_company", _("Между клиентом и компанией")
    ABOUT_CLIENT = "about_client", _("О клиенте")
    BY_LAWYER = "by_lawyer", _("Подготовленные юристом")
    PORTAL = "portal", _("Опубликованные в личном кабинете")
    SAMPLES = "samples", _("Образцы")


class DocumentType(models.Model):
    """"Паспорт, главная страница", "Подписанный договор", ... — so a document is quick to find or request."""

    code = models.SlugField(_("код"), max_length=50, unique=True)
    name = models.CharField(_("название"), max_length=200, unique=True)
    group = models.CharField(_("группа по умолчанию"), max_length=16, choices=DocumentGroup.choices,
                             default=DocumentGroup.ABOUT_CLIENT)
    is_active = models.BooleanField(_("используется"), default=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("тип документа")
        verbose_name_plural = _("типы документов")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(models.Model):
    """A document a contract of this service must have: the missing-documents checklist."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="required_documents",
                                verbose_name=_("услуга"))
    document_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="+",
                                      verbose_name=_("тип документа"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("обязательный документ")
        verbose_name_plural = _("обязательные документы")
        ordering = ["service", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["service", "document_type"], name="uniq_required_document")]

    def __str__(self) -> str:
        return str(self.document_type)


def document_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    return f"contracts/{timezone.now():%Y/%m}/{instance.contract_id}/{filename}"


class ContractDocument(TimeStampedModel):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="documents",
                                 verbose_name=_("договор"))
    document_type = models.ForeignKey(DocumentType, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("тип документа"))
    group = models.CharField(_("группа"), max_length=16, choices=DocumentGroup.choices)
    title = models.CharField(_("название"), max_length=255)
    file = models.FileField(_("файл"), upload_to=document_upload_to, max_length=300)
    size = models.PositiveBigIntegerField(_("размер, байт"), default=0)
    content_kind = models.CharField(_("формат"), max_length=16, blank=True)
    published_to_portal = models.BooleanField(_("опубликован клиенту"), default=False)
    template = models.ForeignKey("contracts.DocumentTemplate", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("сформирован по шаблону"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("загрузил"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("документ договора")
        verbose_name_plural = _("документы договоров")
        ordering = ["group", "-created_at", "-id"]
        indexes = [models.Index(fields=["contract", "group"], name="contract_document_group_idx")]

    def __str__(self) -> str:
        return self.title
