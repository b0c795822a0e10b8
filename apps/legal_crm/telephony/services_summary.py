"""The daily call summary (models.CallDaySummary): counted up by the call-record service in the transaction that
ends a call (services.call_event_apply, a failed click-to-call), corrected when the PBX's record changes a closed
call's talk time, and rebuilt for a whole day from the call log by a job (yesterday, every night) or
`manage.py telephony_summary_rebuild` — the rebuild is the reference: it gives what the counting gives.

A day is the server's date (settings.TIME_ZONE) of the call's start, as the statistics page asks for it."""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum

from .models import Call, CallDaySummary


def summary_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _key(day: datetime.date, office_id, employee_id, direction: str, result: str, number_id) -> str:
    return "|".join([f"{day:%Y%m%d}", str(office_id or ""), str(employee_id or ""), direction, result,
                     str(number_id or "")])


def summary_count(call: Call, *, calls: int = 1, talk: int | None = None, wait: int | None = None) -> None:
    """Add an ended call (or, with calls=0, a correction of its talk time) to its day's row. Run inside the
    caller's transaction: the call's end and its count commit together."""
    talk = call.duration if talk is None else talk
    wait = call.wait_seconds if wait is None else wait
    day = call.started_at.astimezone(summary_zone()).date()
    key = _key(day, call.office_id, call.employee_id, call.direction, call.result, call.company_number_id)
    add = {"calls": F("calls") + calls, "talk_seconds": F("talk_seconds") + talk,
           "wait_seconds": F("wait_seconds") + wait}
    if CallDaySummary.objects.filter(key=key).update(**add):
        return
    try:
        with transaction.atomic():  # a savepoint: another process may create the same row at the same moment
            CallDaySummary.objects.create(
                key=key, day=day, office_id=call.office_id, employee_id=call.employee_id,
                company_number_id=call.company_number_id, direction=call.direction, result=call.result,
                calls=calls, talk_seconds=talk, wait_seconds=wait)
    except IntegrityError:
        CallDaySummary.objects.filter(key=key).update(**add)


@transaction.atomic
def summary_rebuild(day: datetime.date) -> int:
    """The day's rows again from the call log (ended calls started that day). Returns the number of rows."""
    zone = summary_zone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    CallDaySummary.objects.filter(day=day).delete()
    groups = (Call.objects.filter(state=Call.State.ENDED, started_at__gte=start, started_at__lt=end).order_by()
              .values("office_id", "employee_id", "direction", "result", "company_number_id")
              .annotate(n=Count("id"), talk=Sum("duration"), wait=Sum("wait_seconds")))
    rows = [CallDaySummary(key=_key(day, g["office_id"], g["employee_id"], g["direction"], g["result"],
                                    g["company_number_id"]),
                           day=day, office_id=g["office_id"], employee_id=g["employee_id"],
                           company_number_id=g["company_number_id"], direction=g["direction"], result=g["result"],
                           calls=g["n"], talk_seconds=g["talk"] or 0, wait_seconds=g["wait"] or 0)
            for g in groups]
    CallDaySummary.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
