"""The books (SPEC 5.4.2–3): every income and expense by office, article and date.

Two sources, never copied into each other:
- billing's payments and refunds, read through billing's selectors: a payment is an income of the article
  «Оплаты клиентов по договорам» on its date, a refund the same article's negative row on its date;
- the rows finance enters (AccountingEntry): expenses with their documents, other income, reversals.
So the books reconcile with billing by construction; `reconcile_with_billing` proves it against billing's ledger
(its "cash" rows, dated by their payment or refund) office by office."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing.selectors import ledger_visible_to, payment_list_visible_to, refund_list_visible_to
from legal_crm.core.money import KOPECK
from legal_crm.org.selectors import scope_to_offices

from . import perms
from .models import AccountingEntry, Article
from .models.articles import CLIENT_PAYMENTS
from .report_common import filter_contracts, period_bounds
from .revenue import months_of, revenue_by_office_month

ZERO = Decimal("0.00")


def _money(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(KOPECK)


def client_payments_article() -> Article:
    return Article.objects.get(code=CLIENT_PAYMENTS)


def _entries_in_scope(user) -> QuerySet[AccountingEntry]:
    if not getattr(user, "is_authenticated", False):
        return AccountingEntry.objects.none()
    return scope_to_offices(AccountingEntry.objects.select_related("office", "article", "reverses"), user)


def entry_list_visible_to(user) -> QuerySet[AccountingEntry]:
    """Finance's own rows of the user's offices, for those who keep the books."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_ACCOUNTING):
        return AccountingEntry.objects.none()
    return _entries_in_scope(user)


def may_read_facts(user) -> bool:
    """The books' sums are read by finance (accounting) and, for plan vs fact, by whoever sees the plans."""
    return bool(getattr(user, "is_authenticated", False)
                and (user.has_perm(perms.VIEW_ACCOUNTING) or user.has_perm(perms.VIEW_PLAN)))


def book_sums(user, *, date_from: datetime.date, date_to: datetime.date, office=None,
              article=None) -> dict[tuple[int, int, datetime.date], Decimal]:
    """(office id, article id, first day of month) → the sum of the period's rows (an expense positive in its
    article, reversals and refunds negative). Three grouped queries whatever the number of rows."""
    if not may_read_facts(user):
        return {}
    months = months_of(date_from, date_to)
    out: dict[tuple[int, int, datetime.date], Decimal] = {}
    billing_article = client_payments_article()
    if article is None or article.pk == billing_article.pk:
        cells = revenue_by_office_month(user, date_from=date_from, date_to=date_to, office=office)
        for (office_id, month), cell in cells.items():
            if cell["net"] or cell["count"]:
                out[(office_id, billing_article.pk, month)] = cell["net"]
    entries = _entries_in_scope(user).filter(occurred_on__gte=date_from, occurred_on__lte=date_to)
    if office is not None:
        entries = entries.filter(office=office)
    if article is not None:
        entries = entries.filter(article=article)
    aggregates = {f"s{i}": Sum("amount", filter=Q(occurred_on__gte=first, occurred_on__lte=last))
                  for i, (_m, first, last) in enumerate(months)}
    for row in entries.order_by().values("office_id", "article_id").annotate(**aggregates):
        for i, (month, _first, _last) in enumerate(months):
            if row[f"s{i}"] is not None:
                key = (row["office_id"], row["article_id"], month)
                out[key] = out.get(key, ZERO) + _money(row[f"s{i}"])
    return out


def book_rows(user, *, date_from: datetime.date, date_to: datetime.date, office=None, article=None,
              limit: int | None = 500) -> tuple[list[dict], bool]:
    """The period's rows, newest first: billing's payments and refunds and finance's entries, each with its
    date, office, article, kind, signed amount, what it is and links. Returns (rows, truncated)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_ACCOUNTING):
        return [], False
    start, end = period_bounds(date_from, date_to)
    billing_article = client_payments_article()
    cap = None if limit is None else limit + 1
    rows: list[dict] = []
    if article is None or article.pk == billing_article.pk:
        filters = {"office": office}
        payments = (filter_contracts(payment_list_visible_to(user), "contract__", **filters)
                    .filter(paid_at__gte=start, paid_at__lt=end)
                    .select_related("contract__office", "invoice").order_by("-paid_at", "-id"))
        for p in payments[:cap]:
            rows.append({"date": timezone.localtime(p.paid_at).date(), "office": p.contract.office.name,
                         "office_id": p.contract.office_id, "article": billing_article.name, "kind": "income",
                         "source": _("Оплата"), "amount": p.amount,
                         "description": _("Договор %(contract)s, счёт %(invoice)s, %(method)s") % {
                             "contract": p.contract.number, "invoice": p.invoice.number,
                             "method": str(p.get_method_display()).lower()},
                         "_links": [{"title": _("Платёж"), "url": reverse("admin:billing_payment_change",
                                                                          args=[p.pk])}],
                         "_sort": (p.paid_at.timestamp(), p.pk)})
        refunds = (filter_contracts(refund_list_visible_to(user), "payment__contract__", **filters)
                   .filter(refunded_at__gte=start, refunded_at__lt=end)
                   .select_related("payment__contract__office").order_by("-refunded_at", "-id"))
        for r in refunds[:cap]:
            contract = r.payment.contract
            rows.append({"date": timezone.localtime(r.refunded_at).date(), "office": contract.office.name,
                         "office_id": contract.office_id, "article": billing_article.name, "kind": "income",
                         "source": _("Возврат"), "amount": -r.amount,
                         "description": _("Договор %(contract)s: %(reason)s") % {"contract": contract.number,
                                                                                 "reason": r.reason},
                         "_links": [{"title": _("Платёж"), "url": reverse("admin:billing_payment_change",
                                                                          args=[r.payment_id])}],
                         "_sort": (r.refunded_at.timestamp(), r.pk)})
    entries = entry_list_visible_to(user).filter(occurred_on__gte=date_from, occurred_on__lte=date_to)
    if office is not None:
        entries = entries.filter(office=office)
    if article is not None:
        entries = entries.filter(article=article)
    tz = timezone.get_current_timezone()
    for e in entries.select_related("reversal").order_by("-occurred_on", "-id")[:cap]:
        reversed_already = hasattr(e, "reversal")
        rows.append({"date": e.occurred_on, "office": e.office.name, "office_id": e.office_id,
                     "article": e.article.name, "kind": e.article.kind,
                     "source": (_("Сторно") if e.reverses_id else _("Зарплата") if e.source_key
                                    else _("Внесено вручную")), "amount": e.amount,
                     "description": e.description + (f" ({_('сторнировано')})" if reversed_already else ""),
                     "entry": e, "reversible": not e.reverses_id and not reversed_already,
                     "_links": ([{"title": _("Документ"), "url": reverse("finance_entry_document", args=[e.pk])}]
                                if e.document else []),
                     # a day's entries sort after the day's payments (they have a date, not a moment)
                     "_sort": (datetime.datetime.combine(e.occurred_on, datetime.time.max, tz).timestamp(), e.pk)})
    rows.sort(key=lambda r: (r["date"], r["_sort"]), reverse=True)
    truncated = limit is not None and len(rows) > limit
    return (rows[:limit] if limit is not None else rows), truncated


def reconcile_with_billing(user, *, date_from: datetime.date | None = None,
                           date_to: datetime.date | None = None) -> list[dict]:
    """Per office: the books' income from billing (payments minus refunds by their dates) against billing's
    ledger "cash" rows dated by their payment or refund. Returns the offices that differ (empty: reconciled)."""
    payments, refunds = payment_list_visible_to(user), refund_list_visible_to(user)
    cash = ledger_visible_to(user).filter(account="cash")
    if date_from is not None and date_to is not None:
        start, end = period_bounds(date_from, date_to)
        payments = payments.filter(paid_at__gte=start, paid_at__lt=end)
        refunds = refunds.filter(refunded_at__gte=start, refunded_at__lt=end)
        cash = cash.filter(Q(refund__isnull=True, payment__paid_at__gte=start, payment__paid_at__lt=end)
                           | Q(refund__isnull=False, refund__refunded_at__gte=start, refund__refunded_at__lt=end))
    books: dict[int, Decimal] = {}
    for row in payments.order_by().values("contract__office_id").annotate(s=Sum("amount")):
        books[row["contract__office_id"]] = books.get(row["contract__office_id"], ZERO) + _money(row["s"])
    for row in refunds.order_by().values("payment__contract__office_id").annotate(s=Sum("amount")):
        key = row["payment__contract__office_id"]
        books[key] = books.get(key, ZERO) - _money(row["s"])
    ledger = {row["contract__office_id"]: _money(row["s"])
              for row in cash.order_by().values("contract__office_id").annotate(s=Sum("amount"))}
    return [{"office_id": office_id, "books": books.get(office_id, ZERO), "ledger": ledger.get(office_id, ZERO),
             "difference": books.get(office_id, ZERO) - ledger.get(office_id, ZERO)}
            for office_id in sorted(set(books) | set(ledger))
            if books.get(office_id, ZERO) != ledger.get(office_id, ZERO)]
