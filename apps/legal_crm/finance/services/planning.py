"""Writes of the income and expense plans: create, fill by article, submit, approve, return, reopen.

Every change is checked here — the right, the office, the plan's state — under a row lock on the plan, and
audited; the desk only calls these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.money import money_or_domain_error

from .. import perms
from ..errors import Code
from ..models import Article, BudgetPlan, BudgetPlanLine
from .common import ensure_office

S = BudgetPlan.Status


def _snapshot(plan: BudgetPlan) -> dict:
    return {"status": plan.status,
            "lines": {str(line.article_id): str(line.amount) for line in plan.lines.all()}}


def _locked(plan: BudgetPlan) -> BudgetPlan:
    return BudgetPlan.objects.select_for_update().select_related("office").get(pk=plan.pk)


def _require_state(plan: BudgetPlan, allowed: tuple, action: str) -> None:
    if plan.status not in allowed:
        raise DomainError(Code.PLAN_STATE, _("План в статусе «%(status)s»: %(action)s нельзя.")
                          % {"status": plan.get_status_display(), "action": action})


@transaction.atomic
def plan_create(*, actor, office, month: datetime.date) -> BudgetPlan:
    ensure(actor, perms.ADD_PLAN)
    ensure_office(actor, office)
    month = month.replace(day=1)
    if BudgetPlan.objects.filter(office=office, month=month).exists():
        raise DomainError(Code.PLAN_EXISTS, _("План офиса «%(office)s» на этот месяц уже есть: откройте его.")
                          % {"office": office.name}, fields={"month": _("План на этот месяц уже есть.")})
    plan = BudgetPlan.objects.create(office=office, month=month)
    audit(actor=actor, action="budget_plan.create", obj=plan, after={"office": office.pk, "month": str(month)})
    return plan


@transaction.atomic
def plan_lines_save(*, actor, plan: BudgetPlan, amounts: dict[int, object]) -> BudgetPlan:
    """Set the plan's sums by article id; an empty or zero sum removes the article from the plan. Only a draft
    or a returned plan changes: a submitted one is being checked, an approved one is reopened first."""
    ensure(actor, perms.CHANGE_PLAN)
    plan = _locked(plan)
    ensure_office(actor, plan.office)
    if not plan.is_editable:
        message = (_("План утверждён: чтобы его изменить, финансист должен открыть его заново.")
                   if plan.status == S.APPROVED else _("План на согласовании: изменить его можно после возврата."))
        raise DomainError(Code.PLAN_LOCKED, message)
    parsed: dict[int, Decimal] = {}
    for article_id, raw in amounts.items():
        if raw is None or str(raw).strip() == "":
            parsed[int(article_id)] = Decimal("0.00")
            continue
        parsed[int(article_id)] = money_or_domain_error(raw, field=f"article_{article_id}")
    articles = {a.pk: a for a in Article.objects.filter(pk__in=parsed)}
    for article_id, amount in parsed.items():
        article = articles.get(article_id)
        if article is None or (amount and not article.is_active):
            raise DomainError(Code.ARTICLE_INACTIVE, _("Статья не найдена или больше не действует."),
                              fields={f"article_{article_id}": _("Статья не действует.")})
    before = _snapshot(plan)
    existing = {line.article_id: line for line in plan.lines.all()}
    for article_id, amount in parsed.items():
        line = existing.get(article_id)
        if not amount:
            if line is not None:
                line.delete()
        elif line is None:
            BudgetPlanLine.objects.create(plan=plan, article_id=article_id, amount=amount)
        elif line.amount != amount:
            line.amount = amount
            line.save(update_fields=["amount"])
    plan.save(update_fields=["updated_at"])
    after = _snapshot(plan)
    if after != before:
        audit(actor=actor, action="budget_plan.lines", obj=plan, before=before, after=after)
    return plan


@transaction.atomic
def plan_submit(*, actor, plan: BudgetPlan) -> BudgetPlan:
    ensure(actor, perms.SUBMIT_PLAN)
    plan = _locked(plan)
    ensure_office(actor, plan.office)
    _require_state(plan, BudgetPlan.EDITABLE, _("отправить на согласование"))
    if not plan.lines.exists():
        raise DomainError(Code.PLAN_EMPTY, _("В плане нет ни одной суммы: заполните статьи перед отправкой."))
    before = plan.status
    plan.status, plan.submitted_by, plan.submitted_at = S.SUBMITTED, actor, timezone.now()
    plan.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit(actor=actor, action="budget_plan.submit", obj=plan, before={"status": before}, after={"status": plan.status})
    emit("finance.plan_submitted", plan_id=plan.pk, actor_id=getattr(actor, "pk", None))
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: BudgetPlan) -> BudgetPlan:
    ensure(actor, perms.APPROVE_PLAN)
    plan = _locked(plan)
    ensure_office(actor, plan.office)
    _require_state(plan, (S.SUBMITTED,), _("утвердить"))
    plan.status, plan.approved_by, plan.approved_at, plan.return_comment = S.APPROVED, actor, timezone.now(), ""
    plan.save(update_fields=["status", "approved_by", "approved_at", "return_comment", "updated_at"])
    audit(actor=actor, action="budget_plan.approve", obj=plan, before={"status": S.SUBMITTED},
          after={"status": plan.status})
    emit("finance.plan_decided", plan_id=plan.pk, status=plan.status)
    return plan


def _reason(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(Code.REASON_REQUIRED, message, fields={field: message})
    return text[:500]


@transaction.atomic
def plan_return(*, actor, plan: BudgetPlan, comment: str) -> BudgetPlan:
    ensure(actor, perms.APPROVE_PLAN)
    comment = _reason(comment, "comment", _("Напишите, что исправить в плане."))
    plan = _locked(plan)
    ensure_office(actor, plan.office)
    _require_state(plan, (S.SUBMITTED,), _("вернуть на доработку"))
    plan.status, plan.return_comment = S.RETURNED, comment
    plan.save(update_fields=["status", "return_comment", "updated_at"])
    audit(actor=actor, action="budget_plan.return", obj=plan, before={"status": S.SUBMITTED},
          after={"status": plan.status, "comment": comment})
    emit("finance.plan_decided", plan_id=plan.pk, status=plan.status, comment=comment)
    return plan


@transaction.atomic
def plan_reopen(*, actor, plan: BudgetPlan, reason: str) -> BudgetPlan:
    """An approved plan back to draft: the only way to change it, with the reason in the audit log."""
    ensure(actor, perms.APPROVE_PLAN)
    reason = _reason(reason, "reason", _("Укажите, почему утверждённый план открывается заново."))
    plan = _locked(plan)
    ensure_office(actor, plan.office)
    _require_state(plan, (S.APPROVED,), _("открыть заново"))
    plan.status, plan.approved_by, plan.approved_at = S.DRAFT, None, None
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit(actor=actor, action="budget_plan.reopen", obj=plan, before={"status": S.APPROVED},
          after={"status": plan.status, "reason": reason})
    return plan
