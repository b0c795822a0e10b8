"""The --from/--to days of the commands that rebuild a daily summary (revenue, calls): one parsing, one wording."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError


def parse_day_range(date_from: str, date_to: str | None) -> tuple[datetime.date, datetime.date]:
    """(first, last) from ISO dates; `date_to` defaults to the first day. CommandError on a bad or reversed range."""
    try:
        first = datetime.date.fromisoformat(date_from)
        last = datetime.date.fromisoformat(date_to) if date_to else first
    except ValueError as exc:
        raise CommandError("Даты в виде 2026-12-01.") from exc
    if last < first:
        raise CommandError("Последний день раньше первого.")
    return first, last
