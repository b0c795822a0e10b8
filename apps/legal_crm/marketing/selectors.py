"""Reads of the marketing module: ad sources, partners with their statistics, the leads-by-source report.

Leads are read through the reverse relations of AdSource/Partner (`leads`), limited to the user's offices.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from legal_crm.org.selectors import office_ids_visible_to

from .models import AdSource, Partner


def _lead_model():
    return AdSource._meta.get_field("leads").related_model


def _period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz)
    return start, end


def leads_in_scope(user) -> QuerySet:
    qs = _lead_model().objects.all()
    ids = office_ids_visible_to(user)
    return qs if ids is None else qs.filter(office__in=ids)


def leads_by_source(user, *, date_from: datetime.date, date_to: datetime.date, office=None, employee=None,
                    service=None, source=None) -> list[dict]:
    """Per source (and "без источника"): leads, spam, in work, refused, converted, conversion %. Narrowed by
    office, responsible employee, service and source when given (the report's filters, UX.md)."""
    start, end = _period(date_from, date_to)
    qs = leads_in_scope(user).filter(created_at__gte=start, created_at__lt=end)
    for field, value in (("office", office), ("assigned_to", employee), ("service", service), ("source", source)):
        if value is not None:
            qs = qs.filter(**{field: value})
    rows = (qs.values("source_id").annotate(
        total=Count("id"),
        spam=Count("id", filter=Q(status__is_spam=True)),
        refused=Count("id", filter=Q(status__is_refusal=True)),
        converted=Count("id", filter=Q(status__is_converted=True)),
        open=Count("id", filter=Q(status__is_open=True)),
    ).order_by())
    names = dict(AdSource.objects.values_list("id", "name"))
    channels = {s.pk: s.get_channel_display() for s in AdSource.objects.all()}
    result = []
    for r in rows:
        total = r["total"]
        result.append({
            "source_id": r["source_id"], "source": names.get(r["source_id"], "— без источника —"),
            "channel": channels.get(r["source_id"], ""), "total": total, "spam": r["spam"], "open": r["open"],
            "refused": r["refused"], "converted": r["converted"],
            "conversion": round(100 * r["converted"] / (total - r["spam"]), 1) if total > r["spam"] else 0.0,
        })
    result.sort(key=lambda r: (-r["total"], r["source"]))
    return result


def partner_stats(user, partner: Partner, *, days: int = 30) -> dict:
    since = timezone.now() - datetime.timedelta(days=days)
    qs = leads_in_scope(user).filter(partner=partner, created_at__gte=since)
    agg = qs.aggregate(total=Count("id"), spam=Count("id", filter=Q(status__is_spam=True)),
                       converted=Count("id", filter=Q(status__is_converted=True)),
                       refused=Count("id", filter=Q(status__is_refusal=True)))
    good = agg["total"] - agg["spam"]
    agg["conversion"] = round(100 * agg["converted"] / good, 1) if good > 0 else 0.0
    agg["days"] = days
    return agg


def partner_recent_leads(user, partner: Partner, limit: int = 20):
    return (leads_in_scope(user).filter(partner=partner).select_related("status", "office")
            .order_by("-created_at")[:limit])


def active_sources() -> QuerySet[AdSource]:
    return AdSource.objects.filter(is_active=True).select_related("default_lead_type")


def report_filter_choices(user) -> dict:
    """What the report's filters offer the user: their offices, the staff of those offices, services, sources."""
    from django.contrib.auth import get_user_model

    from legal_crm.directory.models import Service
    from legal_crm.org.selectors import office_list_visible_to, scope_to_offices

    staff = scope_to_offices(get_user_model().objects.filter(employee__isnull=False, is_active=True), user,
                             field="employee__offices")
    return {"office": office_list_visible_to(user).order_by("name"),
            "employee": staff.distinct().order_by("last_name", "first_name"),
            "service": Service.objects.filter(is_active=True).order_by("name"),
            "source": AdSource.objects.order_by("name")}
