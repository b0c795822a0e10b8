"""Reads of finance's own records, limited to what the user may see. The reports' figures are in
receivables.py and revenue.py (they read billing, contracts and org through those modules' selectors)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, QuerySet

from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.org.selectors import office_ids_visible_to, scope_to_offices

from . import perms
from .models import (
    AgentAccrual,
    BonusAccount,
    Certificate,
    ClientReferral,
    PayrollLine,
    PayrollRule,
    PayrollRun,
)


def certificate_list_visible_to(user) -> QuerySet[Certificate]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_CERTIFICATE):
        return Certificate.objects.none()
    return scope_to_offices(Certificate.objects.select_related("office", "client", "service"), user)


def bonus_account_list_visible_to(user) -> QuerySet[BonusAccount]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_BONUSACCOUNT):
        return BonusAccount.objects.none()
    return BonusAccount.objects.select_related("client").filter(client__in=counterparty_list_visible_to(user))


def payroll_run_list_visible_to(user) -> QuerySet[PayrollRun]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_PAYROLLRUN):
        return PayrollRun.objects.none()
    return scope_to_offices(PayrollRun.objects.select_related("office", "approved_by", "computed_by"), user)


def payroll_rule_list_visible_to(user) -> QuerySet[PayrollRule]:
    """The rules of the user's offices and the common ones (office empty)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_PAYROLLRULE):
        return PayrollRule.objects.none()
    qs = PayrollRule.objects.select_related("position", "office")
    ids = office_ids_visible_to(user)
    return qs if ids is None else qs.filter(Q(office__in=ids) | Q(office__isnull=True))


def payslip(user, run_id: int, employee_id: int) -> dict:
    """One employee's lines of a run the user sees (Http404-style DoesNotExist otherwise)."""
    run = payroll_run_list_visible_to(user).get(pk=run_id)
    lines = list(PayrollLine.objects.filter(run=run, employee_id=employee_id).select_related(
        "employee__user", "position").order_by("id"))
    if not lines:
        raise PayrollLine.DoesNotExist
    return {"run": run, "employee": lines[0].employee, "position": lines[0].position, "lines": lines,
            "accrued": sum((ln.amount for ln in lines if ln.amount > 0), Decimal(0)),
            "deducted": -sum((ln.amount for ln in lines if ln.amount < 0), Decimal(0)),
            "total": sum((ln.amount for ln in lines), Decimal(0))}


def referral_list_visible_to(user) -> QuerySet[ClientReferral]:
    from legal_crm.leads.selectors import lead_list_visible_to

    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_CLIENTREFERRAL):
        return ClientReferral.objects.none()
    return ClientReferral.objects.select_related("lead", "referrer", "reward").filter(
        lead__in=lead_list_visible_to(user))


def agent_accrual_list_visible_to(user) -> QuerySet[AgentAccrual]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_AGENTACCRUAL):
        return AgentAccrual.objects.none()
    return scope_to_offices(AgentAccrual.objects.select_related("partner", "contract", "payment"), user,
                            field="contract__office")
