"""Income and expenses finance enters by hand (SPEC 5.4.2): an office's expense with its document, an income
that did not come through billing. Rows are never edited: a mistake is undone by a reversing row (the same office,
article and date, the opposite amount) and entered again. Clients' payments and refunds are not copied here —
the books read them from billing's ledger (finance/books.py)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from legal_crm.core.fields import MoneyField
from legal_crm.core.formatting import format_money


def accounting_document_path(instance, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"finance/accounting/{instance.occurred_on:%Y/%m}/{uuid.uuid4().hex}{ext}"


class AccountingEntry(models.Model):
    office = models.ForeignKey("org.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("офис"))
    article = models.ForeignKey("finance.Article", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("статья"))
    occurred_on = models.DateField(_("дата"))
    amount = MoneyField(_("сумма"), help_text=_("Сторнирующая запись — с обратным знаком."))
    description = models.CharField(_("содержание"), max_length=300)
    document = models.FileField(_("документ"), upload_to=accounting_document_path, blank=True, max_length=200)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", verbose_name=_("сторнирует запись"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("внёс"))
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)
    # what posted the row automatically («payroll:<posting id>»): posted once however often the event is delivered
    source_key = models.CharField(max_length=60, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("запись учёта")
        verbose_name_plural = _("записи учёта")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["office", "occurred_on"], name="acc_entry_office_date_idx"),
                   models.Index(fields=["occurred_on", "article"], name="acc_entry_date_article_idx")]
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="acc_entry_amount_nonzero",
                                              violation_error_message=_("Сумма записи учёта не может быть "
                                                                        "нулевой."))]
        permissions = [("reverse_accountingentry", _("Сторнирует записи учёта"))]

    def __str__(self) -> str:
        return _("%(article)s: %(amount)s от %(date)s") % {
            "article": self.article, "amount": format_money(self.amount), "date": f"{self.occurred_on:%d.%m.%Y}"}
