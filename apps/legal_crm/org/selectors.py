"""Reads of the organisation, including the office row scope every module applies."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from legal_crm.org import perms

from .models import Banner, Employee, Office, StaffingPlan

ALL_OFFICES_PERM = perms.VIEW_ALL_OFFICES


def office_ids_visible_to(user) -> set[int] | None:
    """Offices whose rows the user may see; None means every office."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser or user.has_perm(ALL_OFFICES_PERM):
        return None
    cached = getattr(user, "_office_ids_cache", None)
    if cached is None:
        cached = set(Office.objects.filter(employees__user=user).values_list("id", flat=True))
        user._office_ids_cache = cached
    return cached


def scope_to_offices(qs: QuerySet, user, field: str = "office") -> QuerySet:
    """Limit any queryset with an office foreign key to the user's offices."""
    ids = office_ids_visible_to(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def office_list_visible_to(user) -> QuerySet[Office]:
    return scope_to_offices(Office.objects.all(), user, field="id")


def employee_list_visible_to(user) -> QuerySet[Employee]:
    qs = Employee.objects.select_related("user", "position", "main_office")
    ids = office_ids_visible_to(user)
    if ids is None:
        return qs
    return qs.filter(Q(offices__in=ids) | Q(user=user)).distinct()


def banners_for(user, *, day: datetime.date) -> QuerySet[Banner]:
    """Banners for `day`, for the user's groups and offices (an empty choice means everybody)."""
    qs = Banner.objects.filter(is_archived=False, starts_on__lte=day).filter(
        Q(ends_on__gte=day) | Q(ends_on__isnull=True, starts_on=day)
    )
    group_ids = list(user.groups.values_list("id", flat=True))
    office_ids = list(Office.objects.filter(employees__user=user).values_list("id", flat=True))
    qs = qs.filter(Q(groups__isnull=True) | Q(groups__in=group_ids))
    qs = qs.filter(Q(offices__isnull=True) | Q(offices__in=office_ids))
    return qs.distinct().order_by("-level", "starts_on")


def staffing_report(user) -> list[dict]:
    """Plan vs actual headcount per office and position (SPEC 6.3.6)."""
    offices = office_list_visible_to(user)
    plans = {
        (p.office_id, p.position_id): p.headcount
        for p in StaffingPlan.objects.filter(office__in=offices)
    }
    actual_rows = (
        Employee.objects.exclude(status__in=(Employee.Status.BLOCKED, Employee.Status.DISMISSED))
        .filter(main_office__in=offices, position__isnull=False)
        .values("main_office_id", "position_id")
        .annotate(n=Count("id"))
    )
    actual = {(r["main_office_id"], r["position_id"]): r["n"] for r in actual_rows}
    names_office = dict(Office.objects.filter(id__in={k[0] for k in plans | actual}).values_list("id", "name"))
    from .models import Position

    names_position = dict(Position.objects.filter(id__in={k[1] for k in plans | actual}).values_list("id", "name"))
    rows = []
    for key in sorted(set(plans) | set(actual), key=lambda k: (names_office[k[0]], names_position[k[1]])):
        planned, present = plans.get(key, 0), actual.get(key, 0)
        rows.append({
            "office": names_office[key[0]], "position": names_position[key[1]],
            "planned": planned, "actual": present, "difference": present - planned,
        })
    return rows


def banner_list_visible_to(user) -> QuerySet[Banner]:
    """Banners the user may edit: all with every office; else those shown only in the user's offices (a banner
    for every office, or for another office too, is the administrators')."""
    qs = Banner.objects.all()
    ids = office_ids_visible_to(user)
    if ids is None:
        return qs
    return qs.annotate(n_offices=Count("offices", distinct=True),
                       n_outside=Count("offices", filter=~Q(offices__in=ids), distinct=True)
                       ).filter(n_offices__gt=0, n_outside=0)


def office_ids_by_local_date(now: datetime.datetime | None = None) -> dict[datetime.date, list[int]]:
    """Today in each office's own time zone: {local date: office ids}. Daily jobs run for all offices at once,
    and near midnight Moscow it is already tomorrow in Vladivostok."""
    now = now or timezone.now()
    days: dict[datetime.date, list[int]] = {}
    for office_id, zone in Office.objects.values_list("id", "time_zone").order_by("id"):
        day = now.astimezone(zoneinfo.ZoneInfo(zone or settings.TIME_ZONE)).date()
        days.setdefault(day, []).append(office_id)
    return days
