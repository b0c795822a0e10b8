"""Plan vs fact (SPEC 5.4.1): the plans' sums by office, month and article against the books (finance/books.py).
An income below its plan or an expense above it is highlighted."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .books import book_sums
from .models import Article, BudgetPlanLine
from .plans import plan_list_visible_to
from .report_common import INT, MONEY, TEXT, bars
from .revenue import month_label

ZERO = Decimal("0.00")


def plan_fact_report(user, *, date_from: datetime.date, date_to: datetime.date, office=None, article=None) -> dict:
    plans = plan_list_visible_to(user).filter(month__gte=date_from.replace(day=1), month__lte=date_to)
    if office is not None:
        plans = plans.filter(office=office)
    lines = BudgetPlanLine.objects.filter(plan__in=plans).select_related("plan", "article")
    if article is not None:
        lines = lines.filter(article=article)
    planned: dict[tuple[int, int, datetime.date], Decimal] = {}
    status: dict[tuple[int, datetime.date], str] = {
        (p.office_id, p.month): p.get_status_display() for p in plans}
    for line in lines:
        planned[(line.plan.office_id, line.article_id, line.plan.month)] = line.amount
    # facts only for offices whose plans the user sees: book_sums is scoped by the same offices
    facts = book_sums(user, date_from=date_from, date_to=date_to, office=office, article=article)
    keys = set(planned) | set(facts)
    articles = {a.pk: a for a in Article.objects.filter(pk__in={k[1] for k in keys})}
    offices = {p.office_id: p.office.name for p in plans}
    if keys - set(planned):
        from legal_crm.org.selectors import office_list_visible_to

        offices.update(office_list_visible_to(user).filter(pk__in={k[0] for k in keys}).values_list("id", "name"))
    rows, per_article = [], {}
    result = {"plan": ZERO, "fact": ZERO}
    for key in sorted(keys, key=lambda k: (offices.get(k[0], ""), k[2], articles[k[1]].kind, articles[k[1]].name)):
        office_id, article_id, month = key
        item = articles[article_id]
        plan, fact = planned.get(key), facts.get(key, ZERO)
        is_income = item.kind == Article.Kind.INCOME
        behind = plan is not None and (fact < plan if is_income else fact > plan)
        rows.append({"office": offices.get(office_id, "—"), "month": month_label(month), "article": item.name,
                     "kind": item.get_kind_display(), "status": status.get((office_id, month), _("нет плана")),
                     "plan": plan, "fact": fact, "deviation": fact - (plan or ZERO),
                     "execution": round(fact * 100 / plan) if plan else None, "_highlight": behind})
        sums = per_article.setdefault(item, {"plan": ZERO, "fact": ZERO})
        sums["plan"] += plan or ZERO
        sums["fact"] += fact
        sign = 1 if is_income else -1
        result["plan"] += sign * (plan or ZERO)
        result["fact"] += sign * fact
    chart = []
    for item, sums in sorted(per_article.items(), key=lambda kv: (kv[0].kind, kv[0].name)):
        behind = sums["fact"] < sums["plan"] if item.kind == Article.Kind.INCOME else sums["fact"] > sums["plan"]
        chart += [(f"{item.name}: {_('план')}", sums["plan"], False),
                  (f"{item.name}: {_('факт')}", sums["fact"], behind)]
    return {
        "title": _("План и факт"),
        "columns": [("office", _("Офис"), TEXT), ("month", _("Месяц"), TEXT), ("article", _("Статья"), TEXT),
                    ("kind", _("Вид"), TEXT), ("status", _("Статус плана"), TEXT), ("plan", _("План"), MONEY),
                    ("fact", _("Факт"), MONEY), ("deviation", _("Отклонение"), MONEY),
                    ("execution", _("Исполнение, %"), INT)],
        "rows": rows,
        "totals": {"office": _("Итого: доходы − расходы"), "plan": result["plan"], "fact": result["fact"],
                   "deviation": result["fact"] - result["plan"]},
        "total": result["fact"],
        "chart": bars(chart),
        "chart_title": _("План и факт по статьям (доход ниже плана или расход выше плана выделен)"),
    }
