"""The books as reports: the detailed list of incomes and expenses (SPEC 5.4.2) and the period analytics by
article and month (5.4.3). Same dict shape as the other finance reports (report_common)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.formatting import format_money
from legal_crm.core.guard import allowed

from . import perms
from .books import book_rows, book_sums, reconcile_with_billing
from .models import Article
from .report_common import DATE, MONEY, TEXT, bars
from .revenue import month_label, months_of

ZERO = Decimal("0.00")


def _totals_by_kind(sums: dict, articles: dict) -> dict[str, Decimal]:
    totals = {Article.Kind.INCOME: ZERO, Article.Kind.EXPENSE: ZERO}
    for (_office, article_id, _month), value in sums.items():
        totals[articles[article_id].kind] += value
    return totals


def _reconciliation_note(user, date_from, date_to) -> str:
    differences = reconcile_with_billing(user, date_from=date_from, date_to=date_to)
    if not differences:
        return _("Сверка с биллингом: поступления и возвраты совпадают с журналом проводок.")
    return _("Сверка с биллингом: расхождение %(sum)s — проверьте журнал проводок.") % {
        "sum": format_money(sum((d["difference"] for d in differences), ZERO))}


def books_report(user, *, date_from: datetime.date, date_to: datetime.date, office=None, article=None,
                 limit: int | None = 500) -> dict:
    rows_raw, truncated = book_rows(user, date_from=date_from, date_to=date_to, office=office, article=article,
                                    limit=limit)
    may_reverse = allowed(user, perms.REVERSE_ACCOUNTING)
    rows = []
    for r in rows_raw:
        income = r["kind"] == Article.Kind.INCOME
        actions = [{"title": link["title"], "url": link["url"], "post": False} for link in r["_links"]]
        if may_reverse and r.get("reversible"):
            actions.append({"title": _("Сторнировать"), "url": reverse("finance_entry_reverse",
                                                                       args=[r["entry"].pk]), "post": False})
        rows.append({"date": r["date"], "office": r["office"], "article": r["article"], "source": r["source"],
                     "description": r["description"], "income": r["amount"] if income else None,
                     "expense": None if income else r["amount"], "_actions": actions})
    sums = book_sums(user, date_from=date_from, date_to=date_to, office=office, article=article)
    articles = {a.pk: a for a in Article.objects.filter(pk__in={k[1] for k in sums})}
    per_article: dict[int, Decimal] = {}
    for (_office, article_id, _month), value in sums.items():
        per_article[article_id] = per_article.get(article_id, ZERO) + value
    totals = _totals_by_kind(sums, articles)
    ordered = sorted(per_article.items(), key=lambda kv: (articles[kv[0]].kind, articles[kv[0]].name))
    return {
        "title": _("Учёт доходов и расходов"),
        "columns": [("date", _("Дата"), DATE), ("office", _("Офис"), TEXT), ("article", _("Статья"), TEXT),
                    ("source", _("Запись"), TEXT), ("description", _("Содержание"), TEXT),
                    ("income", _("Доход"), MONEY), ("expense", _("Расход"), MONEY)],
        "rows": rows,
        "truncated": truncated,
        "totals": {"date": _("Итого"), "income": totals[Article.Kind.INCOME],
                   "expense": totals[Article.Kind.EXPENSE]},
        "total": totals[Article.Kind.INCOME] - totals[Article.Kind.EXPENSE],
        "chart": bars([(articles[a].name, v, articles[a].kind == Article.Kind.EXPENSE) for a, v in ordered]),
        "chart_title": _("Доходы и расходы по статьям (расходы выделены)"),
        "notes": [_reconciliation_note(user, date_from, date_to)],
    }


def analytics_report(user, *, date_from: datetime.date, date_to: datetime.date, office=None, article=None) -> dict:
    """Every article by month over any period, the result (income − expense) of each month in the chart."""
    months = [m for m, _first, _last in months_of(date_from, date_to)]
    sums = book_sums(user, date_from=date_from, date_to=date_to, office=office, article=article)
    articles = {a.pk: a for a in Article.objects.filter(pk__in={k[1] for k in sums})}
    grid: dict[int, dict[datetime.date, Decimal]] = {}
    for (_office, article_id, month), value in sums.items():
        cell = grid.setdefault(article_id, {})
        cell[month] = cell.get(month, ZERO) + value
    result = {m: ZERO for m in months}
    rows = []
    for article_id in sorted(grid, key=lambda a: (articles[a].kind, articles[a].name)):
        item = articles[article_id]
        sign = 1 if item.kind == Article.Kind.INCOME else -1
        row = {"article": item.name, "kind": item.get_kind_display(), "total": ZERO}
        for index, month in enumerate(months):
            value = grid[article_id].get(month, ZERO)
            row[f"m{index}"] = value
            row["total"] += value
            result[month] += sign * value
        rows.append(row)
    totals = {"article": _("Результат (доходы − расходы)"), "total": sum(result.values(), ZERO),
              **{f"m{i}": result[m] for i, m in enumerate(months)}}
    return {
        "title": _("Аналитика доходов и расходов"),
        "columns": [("article", _("Статья"), TEXT), ("kind", _("Вид"), TEXT),
                    *((f"m{i}", month_label(m), MONEY) for i, m in enumerate(months)), ("total", _("Итого"), MONEY)],
        "rows": rows,
        "totals": totals,
        "total": totals["total"],
        "chart": bars([(month_label(m), v, v < 0) for m, v in result.items()]),
        "chart_title": _("Результат по месяцам: доходы − расходы (убыточные месяцы выделены)"),
    }
