"""Reference data the intake reads on every lead (statuses, types, rules, settings), kept in Django's cache.

`get()` returns a `ReferenceData`: a frozen, typed snapshot (`ref.status_by_code["new"]`, `ref.status_id("new")`,
`ref.initial_status()`), never a dict of strings a typo could miss.

Each set lives under one key with a generation number; saving or deleting any row of these tables bumps
the generation (signals.py), so every web process sees a change within LOCAL_TTL seconds (a process keeps
its copy that long, so one intake does not fetch and unpickle the set several times).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.cache import cache

if TYPE_CHECKING:
    import datetime

    from legal_crm.marketing.models import AdSource, Partner
    from legal_crm.org.models import Office

    from .models import DistributionRule, LeadSettings, LeadStatus, LeadType, SpamRule

GENERATION_KEY = "leads:refgen"
KEY = "leads:ref:v2:{generation}"  # v2: a ReferenceData, no longer a dict (a deploy never reads the old shape)
TTL = 300
LOCAL_TTL = 2.0  # seconds a process reuses its copy without asking the shared cache


@dataclasses.dataclass(frozen=True)
class ReferenceData:
    """One consistent snapshot of the reference tables. Frozen, and its mappings typed read-only: the snapshot is
    shared by every caller of the process (and pickled into the cache, so they stay plain dicts and tuples)."""

    generation: int
    status_by_pk: Mapping[int, LeadStatus]
    status_by_code: Mapping[str, LeadStatus]
    type_by_code: Mapping[str, LeadType]
    type_by_pk: Mapping[int, LeadType]
    transitions: frozenset[tuple[int, int]]  # (from status pk, to status pk)
    spam_rules: tuple[SpamRule, ...]  # active, in the order they are tried
    distribution_rules: tuple[DistributionRule, ...]  # active, by priority
    source_by_code: Mapping[str, AdSource]
    partner_by_user: Mapping[int, Partner]  # the partner whose API user this is
    # the lead type each source's / partner's leads get (pk → LeadType pk), when one is chosen
    type_by_source: Mapping[int, int]
    type_by_partner: Mapping[int, int]
    office_by_pk: Mapping[int, Office]  # active offices
    office_hours: Mapping[int, Mapping[int, tuple[datetime.time, datetime.time]]]  # office → weekday → (opens, closes)
    settings: LeadSettings

    def status_id(self, code: str) -> int:
        return self.status_by_code[code].pk

    def source(self, pk: int | None) -> AdSource | None:
        """The source of this key, or None (a handful of rows: kept by code, looked up by key here)."""
        return next((s for s in self.source_by_code.values() if s.pk == pk), None) if pk is not None else None

    def partner(self, pk: int | None) -> Partner | None:
        """The partner of this key among those with an API user, or None."""
        return next((p for p in self.partner_by_user.values() if p.pk == pk), None) if pk is not None else None

    def initial_status(self) -> LeadStatus:
        for s in sorted(self.status_by_pk.values(), key=lambda s: s.order):
            if s.is_initial and s.is_active:
                return s
        return self.status_by_code["new"]

    def spam_status(self) -> LeadStatus:
        for s in self.status_by_pk.values():
            if s.is_spam:
                return s
        return self.status_by_code["spam"]

    def converted_status(self) -> LeadStatus | None:
        """The status a lead takes when its contract is signed: «Клиент» (code "converted"), or the first active
        status flagged as conversion."""
        found = self.status_by_code.get("converted")
        if found is not None and found.is_converted and found.is_active:
            return found
        return next((s for s in sorted(self.status_by_pk.values(), key=lambda s: s.order)
                     if s.is_converted and s.is_active), None)

    def open_status_ids(self) -> list[int]:
        return sorted(pk for pk, s in self.status_by_pk.items() if s.is_open)


class _Local:
    """This process's copy of the reference data: read-only snapshots, replaced whole, never mutated, so
    sharing it between the threads of a worker is safe. Lives at most LOCAL_TTL seconds."""

    data: ReferenceData | None = None
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


def _load(generation: int) -> ReferenceData:
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
    types = list(LeadType.objects.all())
    hours: dict[int, dict[int, tuple]] = {}
    for h in OfficeHours.objects.all():
        hours.setdefault(h.office_id, {})[h.weekday] = (h.opens, h.closes)
    return ReferenceData(
        generation=generation,
        status_by_pk=statuses,
        status_by_code={s.code: s for s in statuses.values()},
        type_by_code={t.code: t for t in types},
        type_by_pk={t.pk: t for t in types},
        transitions=frozenset(StatusTransition.objects.values_list("from_status_id", "to_status_id")),
        spam_rules=tuple(SpamRule.objects.filter(is_active=True).order_by("order", "id")),
        distribution_rules=tuple(DistributionRule.objects.filter(is_active=True).order_by("priority", "id")),
        source_by_code={s.code: s for s in AdSource.objects.all()},
        partner_by_user={p.api_user_id: p for p in Partner.objects.filter(api_user__isnull=False)},
        type_by_source=dict(SourceLeadType.objects.values_list("source_id", "lead_type_id")),
        type_by_partner=dict(PartnerLeadType.objects.values_list("partner_id", "lead_type_id")),
        office_by_pk={o.pk: o for o in Office.objects.filter(is_active=True)},
        office_hours=hours,
        settings=LeadSettings.load(),
    )


def get() -> ReferenceData:
    now = time.monotonic()
    data = _Local.data
    if data is not None and now - _Local.loaded_at < LOCAL_TTL:
        return data
    generation = _generation()
    key = KEY.format(generation=generation)
    data = cache.get(key)
    if data is None:
        data = _load(generation)
        cache.set(key, data, TTL)
    _Local.data, _Local.loaded_at = data, now
    return data


# Shortcuts for the statuses services ask for most.
def status(code: str) -> LeadStatus:
    return get().status_by_code[code]


def initial_status() -> LeadStatus:
    return get().initial_status()


def spam_status() -> LeadStatus:
    return get().spam_status()


def converted_status() -> LeadStatus | None:
    return get().converted_status()


def open_status_ids() -> list[int]:
    return get().open_status_ids()
