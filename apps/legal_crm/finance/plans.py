"""Reads of the income and expense plans, limited to the user's offices (office heads: their office's)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from legal_crm.core.guard import allowed
from legal_crm.org.selectors import scope_to_offices

from . import perms
from .models import Article, BudgetPlan

S = BudgetPlan.Status


def plan_list_visible_to(user) -> QuerySet[BudgetPlan]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_PLAN):
        return BudgetPlan.objects.none()
    return scope_to_offices(BudgetPlan.objects.select_related("office", "submitted_by", "approved_by"), user)


def plan_list_with_totals(user) -> QuerySet[BudgetPlan]:
    return plan_list_visible_to(user).annotate(
        income_total=Sum("lines__amount", filter=Q(lines__article__kind=Article.Kind.INCOME)),
        expense_total=Sum("lines__amount", filter=Q(lines__article__kind=Article.Kind.EXPENSE)))


def plan_articles(plan: BudgetPlan) -> dict[str, list[dict]]:
    """The plan's sheet: every active article (and any retired one still in the plan) with its sum, by kind."""
    amounts = {line.article_id: line.amount for line in plan.lines.all()}
    articles = Article.objects.filter(is_active=True) | Article.objects.filter(pk__in=amounts)
    sheet: dict[str, list[dict]] = {Article.Kind.INCOME: [], Article.Kind.EXPENSE: []}
    for article in articles.distinct().order_by("kind", "name"):
        sheet[article.kind].append({"article": article, "amount": amounts.get(article.pk),
                                    "field": f"article_{article.pk}"})
    return sheet


def plan_totals(plan: BudgetPlan) -> dict[str, Decimal]:
    totals = {Article.Kind.INCOME: Decimal("0.00"), Article.Kind.EXPENSE: Decimal("0.00")}
    for line in plan.lines.select_related("article"):
        totals[line.article.kind] += line.amount
    return totals


def plan_actions(user, plan: BudgetPlan) -> dict[str, bool]:
    """What the card offers: the same state rules the services enforce (they refuse anything else)."""
    return {
        "edit": plan.is_editable and allowed(user, perms.CHANGE_PLAN),
        "submit": plan.is_editable and allowed(user, perms.SUBMIT_PLAN),
        "approve": plan.status == S.SUBMITTED and allowed(user, perms.APPROVE_PLAN),
        "return": plan.status == S.SUBMITTED and allowed(user, perms.APPROVE_PLAN),
        "reopen": plan.status == S.APPROVED and allowed(user, perms.APPROVE_PLAN),
    }
