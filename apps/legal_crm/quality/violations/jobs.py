"""The daily violation job: each rule of the checklist that is switched on asks its detector (detectors.py) who
broke it on each of the last days, and records one violation per person, rule and day.

Safe to run twice or to miss a day: it looks back LOOKBACK_DAYS days and the unique (offender, rule, day) keeps
what exists — a violation cancelled on appeal is not recorded again. Days of a pause (holidays), days a rule was
suspended and days before a rule was created are skipped. Set-based: one detector query per rule and day, the
violations, their audit rows and their events written in bulk."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from legal_crm.core.events import emit
from legal_crm.core.models import AuditLog

from . import detectors
from .kinds import KINDS
from .models import Violation, ViolationPause, ViolationRule

LOOKBACK_DAYS = 3
CHUNK = 1000


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from midnight to midnight in the server's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def paused_days(days: list[datetime.date]) -> set[datetime.date]:
    pauses = ViolationPause.objects.filter(starts_on__lte=max(days), ends_on__gte=min(days))
    return {day for day in days for pause in pauses if pause.starts_on <= day <= pause.ends_on}


def detect_violations(today: datetime.date | None = None) -> int:
    """Record the violations of the days before `today` (by default the server's today); returns how many."""
    today = today or timezone.localdate()
    days = [today - datetime.timedelta(days=n) for n in range(LOOKBACK_DAYS, 0, -1)]
    paused = paused_days(days)
    detected = [code for code, kind in KINDS.items() if kind.detector]
    created = 0
    for rule in ViolationRule.objects.filter(is_active=True, kind__in=detected).order_by("pk"):
        since = timezone.localdate(rule.created_at)
        for day in days:
            if day in paused or day < since or rule.is_suspended_on(day):
                continue
            created += record_day(rule, day)
    return created


def _cases(rule: ViolationRule, day: datetime.date) -> dict[int, list]:
    """offender id → [office id, record type, record id of the first case, number of cases]."""
    start, end = day_bounds(day)
    detector = getattr(detectors, KINDS[rule.kind].detector)
    cases: dict[int, list] = {}
    for user_id, office_id, record_type, record_id in detector(rule.params or {}, day, start, end):
        if office_id is None:
            continue
        case = cases.get(user_id)
        if case is None:
            cases[user_id] = [office_id, record_type, record_id, 1]
        else:
            case[3] += 1
    return cases


def record_day(rule: ViolationRule, day: datetime.date) -> int:
    cases = _cases(rule, day)
    if not cases:
        return 0
    existing = set(Violation.objects.filter(rule=rule, day=day).values_list("offender_id", flat=True))
    new = [Violation(offender_id=user_id, office_id=office_id, rule=rule, day=day, source=Violation.Source.AUTO,
                     record_type=record_type, record_id=record_id, occurrences=count, amount=rule.amount,
                     points=rule.points)
           for user_id, (office_id, record_type, record_id, count) in sorted(cases.items())
           if user_id not in existing]
    if not new:
        return 0
    with transaction.atomic():
        Violation.objects.bulk_create(new, batch_size=CHUNK, ignore_conflicts=True)
        # ignore_conflicts returns no ids (MariaDB): read back this run's rows — a parallel run's are its own
        created = list(Violation.objects.filter(rule=rule, day=day, source=Violation.Source.AUTO)
                       .exclude(offender_id__in=existing).select_related("rule").order_by("pk"))
        _audit(created)
        for start in range(0, len(created), CHUNK):
            emit("quality.violations_recorded", violation_ids=[v.pk for v in created[start:start + CHUNK]])
    return len(created)


def _audit(violations: list[Violation]) -> None:
    """The job's violations in the audit log, as `core.audit.audit` writes one (no person: the job found them)."""
    content_type = ContentType.objects.get_for_model(Violation)
    AuditLog.objects.bulk_create(
        [AuditLog(actor=None, action="violation.detect", content_type=content_type, object_id=str(v.pk),
                  object_repr=str(v)[:255],
                  after={"offender": v.offender_id, "rule": v.rule_id, "day": v.day.isoformat(),
                         "record": f"{v.record_type}:{v.record_id}", "cases": v.occurrences})
         for v in violations], batch_size=CHUNK)
