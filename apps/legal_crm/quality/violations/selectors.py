"""Reads of violations: what a user may see (their own; their offices' for whoever sees them), the rules, and the
selector payroll (finance) reads deductions through."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet

from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.quality import perms

from .models import Violation, ViolationPause, ViolationRule


def violation_list_visible_to(user) -> QuerySet[Violation]:
    """My violations; with the office right, also those of my offices' employees."""
    qs = Violation.objects.select_related("offender", "office", "rule")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_VIOLATION):
        return qs.none()
    if not user.has_perm(perms.VIEW_OFFICE_VIOLATIONS):
        return qs.filter(offender=user)
    ids = office_ids_visible_to(user)
    return qs if ids is None else qs.filter(Q(office__in=ids) | Q(offender=user))


def my_violations(user) -> QuerySet[Violation]:
    return violation_list_visible_to(user).filter(offender=user)


def appeals_waiting(user) -> QuerySet[Violation]:
    """Appealed violations the user may decide (not their own)."""
    if not user.has_perm(perms.DECIDE_VIOLATION):
        return Violation.objects.none()
    return (violation_list_visible_to(user).filter(status=Violation.Status.APPEALED)
            .exclude(offender=user).order_by("appealed_at", "id"))


def rule_list_visible_to(user) -> QuerySet[ViolationRule]:
    if not user.has_perm(perms.VIEW_VIOLATION_RULE):
        return ViolationRule.objects.none()
    return ViolationRule.objects.all()


def rules_for_recording() -> QuerySet[ViolationRule]:
    return ViolationRule.objects.filter(is_active=True).order_by("name")


def pause_list_visible_to(user) -> QuerySet[ViolationPause]:
    if not user.has_perm(perms.VIEW_VIOLATION_PAUSE):
        return ViolationPause.objects.none()
    return ViolationPause.objects.all()


def violations_for_payroll(employee_ids, period: tuple[datetime.date, datetime.date]) -> dict[int, dict]:
    """What payroll deducts for these employees (org.Employee ids) for violations dated within `period` (first
    and last day, inclusive): employee id → {"amount": Decimal, "points": int, "count": int, "violation_ids": […],
    "pending": int}. Counted: violations recorded and not appealed, and appeals upheld; cancelled ones never;
    `pending` — appeals not decided yet (not counted until upheld). Employees without violations are absent.
    One query; the caller (finance) has checked who may see the payroll."""
    first, last = period
    rows = (Violation.objects
            .filter(offender__employee__in=list(employee_ids), day__gte=first, day__lte=last)
            .exclude(status=Violation.Status.CANCELLED)
            .values_list("offender__employee__id", "pk", "status", "amount", "points").order_by("day", "pk"))
    result: dict[int, dict] = defaultdict(lambda: {"amount": Decimal("0.00"), "points": 0, "count": 0,
                                                   "violation_ids": [], "pending": 0})
    for employee_id, pk, status, amount, points in rows:
        entry = result[employee_id]
        if status == Violation.Status.APPEALED:
            entry["pending"] += 1
            continue
        entry["amount"] += amount or Decimal("0.00")
        entry["points"] += points
        entry["count"] += 1
        entry["violation_ids"].append(pk)
    return dict(result)

