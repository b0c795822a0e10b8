"""Reference data the intake reads on every lead (statuses, types, rules, settings), kept in Django's cache.

Each set lives under one key with a generation number; saving or deleting any row of these tables bumps
the generation (signals.py), so every web process sees a change within LOCAL_TTL seconds (a process keeps
its copy that long, so one intake does not fetch and unpickle the set several times).
"""

from __future__ import annotations

import time

from django.core.cache import cache

GENERATION_KEY = "leads:refgen"
TTL = 300
LOCAL_TTL = 2.0  # seconds a process reuses its copy without asking the shared cache


class _Local:
    """This process's copy of the reference data: read-only snapshots, replaced whole, never mutated, so
    sharing it between the threads of a worker is safe. Lives at most LOCAL_TTL seconds."""

    data: dict | None = None
    loaded_at: float = 0.0


def forget_local() -> None:
    _Local.data = None


def _generation() -> int:
    gen = cache.get(GENERATION_KEY)
    if gen is None:
        gen = 1
        cache.add(GENERATION_KEY, gen, None)
    return gen


def bump() -> None:
    forget_local()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _load() -> dict:
    from legal_crm.marketing.models import AdSource, Partner
    from legal_crm.org.models import Office, OfficeHours

    from .models import (
        DistributionRule,
        LeadSettings,
        LeadStatus,
        LeadType,
        PartnerLeadType,
        SourceLeadType,
        SpamRule,
        StatusTransition,
    )

    statuses = {s.pk: s for s in LeadStatus.objects.all()}
    hours: dict[int, dict[int, tuple]] = {}
    for h in OfficeHours.objects.all():
        hours.setdefault(h.office_id, {})[h.weekday] = (h.opens, h.closes)
    return {
        "statuses": statuses,
        "status_by_code": {s.code: s for s in statuses.values()},
        "types": {t.code: t for t in LeadType.objects.all()},
        "types_by_pk": {t.pk: t for t in LeadType.objects.all()},
        "transitions": set(StatusTransition.objects.values_list("from_status_id", "to_status_id")),
        "spam_rules": list(SpamRule.objects.filter(is_active=True).order_by("order", "id")),
        "distribution_rules": list(DistributionRule.objects.filter(is_active=True).order_by("priority", "id")),
        "sources": {s.code: s for s in AdSource.objects.all()},
        "partners_by_user": {p.api_user_id: p for p in Partner.objects.filter(api_user__isnull=False)},
        # the lead type each source's / partner's leads get (pk → LeadType pk), when one is chosen
        "type_by_source": dict(SourceLeadType.objects.values_list("source_id", "lead_type_id")),
        "type_by_partner": dict(PartnerLeadType.objects.values_list("partner_id", "lead_type_id")),
        "offices": {o.pk: o for o in Office.objects.filter(is_active=True)},
        "office_hours": hours,
        "settings": LeadSettings.load(),
    }


def get() -> dict:
    now = time.monotonic()
    data = _Local.data
    if data is not None and now - _Local.loaded_at < LOCAL_TTL:
        return data
    generation = _generation()
    key = f"leads:ref:{generation}"
    data = cache.get(key)
    if data is None:
        data = _load()
        data["generation"] = generation
        cache.set(key, data, TTL)
    _Local.data, _Local.loaded_at = data, now
    return data


def status(code: str):
    return get()["status_by_code"][code]


def initial_status():
    ref = get()
    for s in sorted(ref["statuses"].values(), key=lambda s: s.order):
        if s.is_initial and s.is_active:
            return s
    return ref["status_by_code"]["new"]


def spam_status():
    ref = get()
    for s in ref["statuses"].values():
        if s.is_spam:
            return s
    return ref["status_by_code"]["spam"]


def converted_status():
    """The status a lead takes when its contract is signed: «Клиент» (code "converted"), or the first active
    status flagged as conversion."""
    ref = get()
    found = ref["status_by_code"].get("converted")
    if found is not None and found.is_converted and found.is_active:
        return found
    return next((s for s in sorted(ref["statuses"].values(), key=lambda s: s.order)
                 if s.is_converted and s.is_active), None)


def open_status_ids() -> list[int]:
    return sorted(pk for pk, s in get()["statuses"].items() if s.is_open)
