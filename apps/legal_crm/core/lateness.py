"""Lateness as one set-based read: records whose clock started at some moment and whose work was not done within a
delay of it. Quality's daily violation job asks it of several modules (a planned call not made within N hours of
its time, a complaint not closed within N days of its assignment); each module passes its own records."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import F, Q, QuerySet

# (person id, office id, record type, record id): what the violation job groups per person
Row = tuple[int, int | None, str, str]


def late_rows(records: QuerySet, *, person: str, office: str, started: str, done: str, delay: datetime.timedelta,
              start: datetime.datetime, end: datetime.datetime, record_type: str) -> Iterator[Row]:
    """`records` of a person whose `started` moment plus `delay` falls in [start, end) and whose `done` moment is
    missing or later than that. `person` and `office` are the fields (or lookups) the row reports."""
    rows = (records
            .filter(**{f"{person}__isnull": False, f"{started}__gte": start - delay, f"{started}__lt": end - delay})
            .filter(Q(**{f"{done}__isnull": True}) | Q(**{f"{done}__gt": F(started) + delay}))
            .values_list(person, office, "pk"))
    for person_id, office_id, record_id in rows.iterator(chunk_size=2000):
        yield person_id, office_id, record_type, str(record_id)
