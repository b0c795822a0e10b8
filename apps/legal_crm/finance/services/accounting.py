"""Writes of the books: an income or expense entered by finance (an expense with its document), and its
reversal. Nothing is ever edited or deleted: a wrong row is reversed and entered again."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.contracts.uploads import check_upload
from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.money import money_or_domain_error

from .. import perms
from ..errors import Code
from ..models import AccountingEntry, Article
from ..models.articles import PAYROLL
from .common import ensure_office


def _snapshot(entry: AccountingEntry) -> dict:
    return {"office": entry.office_id, "article": entry.article_id, "date": str(entry.occurred_on),
            "amount": str(entry.amount), "description": entry.description, "document": entry.document.name or None,
            "reverses": entry.reverses_id}


@transaction.atomic
def entry_add(*, actor, office, article: Article, occurred_on: datetime.date, amount, description: str,
              document=None) -> AccountingEntry:
    """An income or an expense of the office. An expense needs its document (an act, an invoice, a receipt),
    checked like contracts' uploads: size, and the real type by its first bytes."""
    ensure(actor, perms.ADD_ACCOUNTING)
    ensure_office(actor, office)
    if article.is_from_billing:
        raise DomainError(Code.ARTICLE_FROM_BILLING, _("Оплаты и возвраты клиентов попадают в учёт из биллинга: "
                                                       "примите оплату или оформите возврат там."),
                          fields={"article": _("Эта статья заполняется из биллинга.")})
    if article.is_from_payroll:
        raise DomainError(Code.ARTICLE_FROM_BILLING, _("Зарплата попадает в учёт из утверждённых расчётов зарплаты."),
                          fields={"article": _("Эта статья заполняется из расчётов зарплаты.")})
    if not article.is_active:
        raise DomainError(Code.ARTICLE_INACTIVE, _("Статья «%(name)s» больше не действует.") % {"name": article.name},
                          fields={"article": _("Статья не действует.")})
    amount = money_or_domain_error(amount, allow_zero=False)
    occurred_on = date_or_domain_error(occurred_on, PAST_EVENT, "occurred_on")
    description = (description or "").strip()[:300]
    if not description:
        raise DomainError(Code.REASON_REQUIRED, _("Опишите, за что доход или расход."),
                          fields={"description": _("Обязательное поле.")})
    if document:
        try:
            check_upload(document)
        except DomainError as exc:
            raise DomainError(exc.code, exc.message, fields={"document": exc.message}) from exc
    elif article.kind == Article.Kind.EXPENSE:
        message = _("Расход вносится с документом: приложите акт, счёт или чек.")
        raise DomainError(Code.DOCUMENT_REQUIRED, message, fields={"document": message})
    entry = AccountingEntry(office=office, article=article, occurred_on=occurred_on, amount=amount,
                            description=description, created_by=actor if getattr(actor, "pk", None) else None)
    if document:
        entry.document.save(document.name, document, save=False)
    entry.save()
    audit(actor=actor, action="accounting.entry", obj=entry, after=_snapshot(entry))
    return entry


@transaction.atomic
def entry_reverse(*, actor, entry: AccountingEntry, reason: str) -> AccountingEntry:
    """The reversing row: the same office, article and date, the opposite amount. Once per row; a reversal is
    not reversed again (enter the right row instead)."""
    ensure(actor, perms.REVERSE_ACCOUNTING)
    reason = (reason or "").strip()
    if not reason:
        message = _("Укажите причину сторнирования.")
        raise DomainError(Code.REASON_REQUIRED, message, fields={"reason": message})
    entry = AccountingEntry.objects.select_for_update().select_related("office", "article").get(pk=entry.pk)
    ensure_office(actor, entry.office)
    if entry.reverses_id is not None:
        raise DomainError(Code.ENTRY_IS_REVERSAL, _("Это сторнирующая запись: внесите верную запись заново."))
    if AccountingEntry.objects.filter(reverses=entry).exists():
        raise DomainError(Code.ENTRY_ALREADY_REVERSED, _("Запись уже сторнирована."))
    reversal = AccountingEntry.objects.create(
        office=entry.office, article=entry.article, occurred_on=entry.occurred_on, amount=-entry.amount,
        description=(_("Сторно: %(reason)s") % {"reason": reason})[:300], reverses=entry,
        created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="accounting.reverse", obj=entry, before=_snapshot(entry), after=_snapshot(reversal))
    return reversal


@transaction.atomic
def payroll_post(*, run_id: int, office_id: int, posting: str, amount, date_from: str, date_to: str) -> AccountingEntry:
    """An approved payroll run as one expense on the «Зарплата» article, dated the period's last day. Keyed by the
    run's posting id: a redelivered event finds the row already there and posts nothing twice."""
    key = f"payroll:{posting}"
    existing = AccountingEntry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    first, last = datetime.date.fromisoformat(date_from), datetime.date.fromisoformat(date_to)
    entry = AccountingEntry.objects.create(
        office_id=office_id, article=Article.objects.get(code=PAYROLL), occurred_on=last,
        amount=money_or_domain_error(amount, allow_zero=False), source_key=key,
        description=(_("Зарплата за %(first)s–%(last)s (расчёт № %(run)s)")
                     % {"first": f"{first:%d.%m.%Y}", "last": f"{last:%d.%m.%Y}", "run": run_id})[:300])
    audit(actor=None, action="accounting.entry", obj=entry, after=_snapshot(entry))
    return entry
