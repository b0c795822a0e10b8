"""Document templates: Word (docxtpl) and HTML print formats rendered to PDF (SPEC 5.2.3)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from legal_crm.core.models import TimeStampedModel

from .documents import DocumentGroup

# Built-in print formats: Django templates shipped with the code, rendered by render_pdf().
PRINT_FORMATS = [
    ("contracts/print/contract.html", _("Договор оказания юридических услуг")),
    ("contracts/print/act.html", _("Акт приёмки оказанных услуг")),
    ("contracts/print/bankruptcy_application.html", _("Заявление о признании гражданина банкротом")),
]


class DocumentTemplate(TimeStampedModel):
    class Kind(models.TextChoices):
        DOCX = "docx", _("Word (.docx)")
        HTML = "html", _("HTML → PDF")

    code = models.SlugField(_("код"), max_length=50, unique=True)
    name = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("вид"), max_length=8, choices=Kind.choices)
    service = models.ForeignKey("directory.Service", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="document_templates", verbose_name=_("услуга"))
    service_group = models.ForeignKey("directory.ServiceGroup", null=True, blank=True, on_delete=models.CASCADE,
                                      related_name="document_templates", verbose_name=_("группа услуг"),
                                      help_text=_("Шаблон для всех услуг группы. Пусто и услуга пуста — для всех."))
    file = models.FileField(_("файл .docx"), upload_to="templates/docx/", blank=True, max_length=300)
    body = models.TextField(_("HTML-шаблон"), blank=True,
                            help_text=_("Теги в двойных фигурных скобках: {{ client.name }}, {{ contract.number }}."))
    print_format = models.CharField(_("встроенная печатная форма"), max_length=100, choices=PRINT_FORMATS,
                                    blank=True)
    document_type = models.ForeignKey("contracts.DocumentType", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("тип документа"))
    group = models.CharField(_("группа документа"), max_length=16, choices=DocumentGroup.choices,
                             default=DocumentGroup.CLIENT_COMPANY)
    is_active = models.BooleanField(_("используется"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("загрузил"))
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("шаблон документа")
        verbose_name_plural = _("шаблоны документов")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.kind == self.Kind.DOCX and not self.file:
            errors["file"] = _("Загрузите файл .docx.")
        if self.kind == self.Kind.HTML and not (self.body.strip() or self.print_format):
            errors["body"] = _("Заполните HTML-шаблон или выберите встроенную печатную форму.")
        if self.service_id and self.service_group_id:
            errors["service_group"] = _("Укажите либо услугу, либо группу услуг.")
        if errors:
            raise ValidationError(errors)
