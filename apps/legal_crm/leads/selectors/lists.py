"""Reads of leads with permission and office scope: the lists the desk, the API and reports come through."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from legal_crm.core import phone_parts
from legal_crm.core.phone_parts import searched_digits
from legal_crm.core.validators import normalize_phone
from legal_crm.directory.selectors import client_link
from legal_crm.leads import perms
from legal_crm.org.selectors import office_ids_visible_to, scope_to_offices

from ..models import DistributionRule, Lead, LeadPhonePart, PlannedCall

LIST_RELATED = ("status", "type", "source", "office", "assigned_to", "partner")


def distribution_rule_list_visible_to(user) -> QuerySet[DistributionRule]:
    """Distribution rules of the user's offices (every rule with "all offices"): where another office's leads
    come from is that office's business."""
    return scope_to_offices(DistributionRule.objects.select_related("lead_type", "source", "office"), user)


def partner_of(user):
    """The partner whose API user this is, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    from .. import refcache

    return refcache.get().partner_by_user.get(user.pk)


def _lead_scope(user) -> tuple[str, object]:
    """Which leads the user may see, the one rule both readers below apply: ("all", None) with 'all offices';
    ("offices", ids) for staff — their offices' leads; ("partner", pk) for a partner API user — only the partner's
    own leads; ("none", None) for anybody else."""
    if not getattr(user, "is_authenticated", False):
        return "none", None
    partner = partner_of(user)
    if partner is not None:
        return "partner", partner.pk
    if not user.has_perm(perms.VIEW_LEAD):
        return "none", None
    ids = office_ids_visible_to(user)
    return ("all", None) if ids is None else ("offices", ids)


def lead_list_visible_to(user) -> QuerySet[Lead]:
    """Leads the user may see (_lead_scope)."""
    qs = Lead.objects.select_related(*LIST_RELATED)
    kind, value = _lead_scope(user)
    if kind == "all":
        return qs
    if kind == "partner":
        return qs.filter(partner_id=value)
    if kind == "offices":
        return qs.filter(office__in=value)
    return qs.none()


def lead_is_visible_to(user, lead: Lead) -> bool:
    """Whether lead_list_visible_to lets the user see this lead (the answer to a repeated post), read off the lead
    in hand by the same rule, without a query (leads/tests/test_lead_scope.py holds the two to the same answers)."""
    kind, value = _lead_scope(user)
    if kind == "all":
        return True
    if kind == "partner":
        return lead.partner_id == value
    if kind == "offices":
        return lead.office_id in value
    return False


def is_phone_search(text: str) -> bool:
    """Whether what was typed is a phone search: a whole number in any format, or MIN_DIGITS or more digits of one
    (with no letters)."""
    return normalize_phone((text or "").strip()) is not None or searched_digits(text) is not None


PREFIX_MATCHES_MAX = 2000


def filter_by_phone(qs: QuerySet[Lead], text: str) -> QuerySet[Lead]:
    """Leads by a whole number or any contiguous part of one (core.phone_parts.filter_by_phone)."""
    return phone_parts.filter_by_phone(qs, text, phone_field="phone", part_model=LeadPhonePart, owner_field="lead",
                                       limit=PREFIX_MATCHES_MAX)


def filter_leads(qs: QuerySet[Lead], *, phone=None, status=None, type=None, source=None, office=None,
                 assigned_to=None, partner=None, date_from: datetime.date | None = None,
                 date_to: datetime.date | None = None) -> QuerySet[Lead]:
    if phone:
        qs = filter_by_phone(qs, phone)
    if status:
        qs = qs.filter(status__code=status) if isinstance(status, str) else qs.filter(status=status)
    if type:
        qs = qs.filter(type__code=type) if isinstance(type, str) else qs.filter(type=type)
    if source:
        qs = qs.filter(source__code=source) if isinstance(source, str) else qs.filter(source=source)
    if office:
        qs = qs.filter(office__code=office) if isinstance(office, str) else qs.filter(office=office)
    if assigned_to:
        qs = qs.filter(assigned_to=assigned_to)
    if partner:
        qs = qs.filter(partner=partner)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(date_from, datetime.time.min, tz))
    if date_to:
        qs = qs.filter(created_at__lt=datetime.datetime.combine(date_to + datetime.timedelta(days=1),
                                                                datetime.time.min, tz))
    return qs


def planned_calls_visible_to(user) -> QuerySet[PlannedCall]:
    qs = PlannedCall.objects.select_related("lead", "lead__status", "assignee")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_PLANNEDCALL):
        return qs.none()
    ids = office_ids_visible_to(user)
    if ids is None:
        return qs
    return qs.filter(lead__office__in=ids)


def overdue_calls(user, now=None) -> QuerySet[PlannedCall]:
    return planned_calls_visible_to(user).overdue(now)


def assignee_choices(user):
    """Whom the user may give a call to: active employees of the user's offices."""
    from django.contrib.auth import get_user_model

    from legal_crm.org.models import Employee

    qs = get_user_model().objects.filter(is_active=True, employee__status=Employee.Status.ACTIVE)
    return scope_to_offices(qs, user, field="employee__offices").distinct().order_by("last_name", "first_name")


def client_office_link(office_ids):
    """hooks.COUNTERPARTY_OFFICE_LINKS: the card is the client of a lead in these offices (None: in any)."""
    return client_link(Lead.objects.all(), office_ids)
