"""Income and expense articles: the reference table plans and the books are kept by."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The article billing's payments and refunds are booked to (created by migration 0002; finance cannot enter
# rows on it by hand — they come from billing's ledger).
CLIENT_PAYMENTS = "client_payments"
# The expense article approved payroll runs are posted to (migration 0011; finance.handlers_books).
PAYROLL = "payroll"


class Article(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", _("Доход")
        EXPENSE = "expense", _("Расход")

    name = models.CharField(_("название"), max_length=120, unique=True)
    kind = models.CharField(_("вид"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("системный код"), max_length=40, unique=True, null=True, blank=True, editable=False,
                            help_text=_("Статьи с кодом заполняются автоматически (оплаты из биллинга)."))
    is_active = models.BooleanField(_("действует"), default=True)

    class Meta:
        verbose_name = _("статья доходов и расходов")
        verbose_name_plural = _("статьи доходов и расходов")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_from_billing(self) -> bool:
        return self.code == CLIENT_PAYMENTS

    @property
    def is_from_payroll(self) -> bool:
        return self.code == PAYROLL


SYSTEM_ARTICLES = {CLIENT_PAYMENTS: ("Оплаты клиентов по договорам", Article.Kind.INCOME),
                   PAYROLL: ("Зарплата", Article.Kind.EXPENSE)}


def install_system_articles(sender=None, **kwargs) -> None:
    """post_migrate receiver: the articles filled automatically exist after every migrate and test flush (their
    migrations created them once; a flush of a transactional test removes them)."""
    for code, (name, kind) in SYSTEM_ARTICLES.items():
        if not Article.objects.filter(code=code).exists():
            taken = Article.objects.filter(name=name).exists()
            Article.objects.create(code=code, name=f"{name} (автоматически)" if taken else name, kind=kind)
