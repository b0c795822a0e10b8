"""Staff notifications of planning: a plan submitted reaches those who approve plans in its office; the decision
(approved, returned with a comment) reaches the person who submitted it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.messaging.notifications.service import notify

from . import perms
from .models import BudgetPlan


def _plan(plan_id):
    return BudgetPlan.objects.select_related("office", "submitted_by").filter(pk=plan_id).first()


def on_plan_submitted(*, plan_id, actor_id=None, **_ignored) -> None:
    plan = _plan(plan_id)
    if plan is None:
        return
    approvers = [u for u in users_with_perm(perms.APPROVE_PLAN, superusers=False)
                 .filter(employee__offices=plan.office_id).distinct() if u.pk != actor_id]
    notify(users=approvers, kind="finance.plan_submitted", title=_("План на согласование: %(plan)s") % {"plan": plan},
           text="", link=reverse("finance_plan", args=[plan.pk]), subject=("finance.budgetplan", plan.pk))


def on_plan_decided(*, plan_id, status, comment="", **_ignored) -> None:
    plan = _plan(plan_id)
    if plan is None or plan.submitted_by is None:
        return
    title = (_("План утверждён: %(plan)s") if status == BudgetPlan.Status.APPROVED
             else _("План возвращён на доработку: %(plan)s")) % {"plan": plan}
    notify(users=[plan.submitted_by], kind="finance.plan_decided", title=title, text=comment,
           link=reverse("finance_plan", args=[plan.pk]), subject=("finance.budgetplan", plan.pk))
