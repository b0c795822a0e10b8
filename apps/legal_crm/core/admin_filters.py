"""The desk's date range filter: dates typed as people type them (дд.мм.гггг), a whole last day.

unfold's RangeDateFilter parses with the global DATE_INPUT_FORMATS (ISO and American only), so «01.12.2026» was
silently ignored and the list stayed unfiltered; on a date-and-time field its «по» ended at midnight before the
chosen day. Here the day is parsed with the active language's input formats, and a date-and-time field is
filtered by [start of «с», start of the day after «по») in the current time zone — an index range, no DATE().
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from unfold.contrib.filters.admin import RangeDateFilter


def parse_day(value: str) -> datetime.date | None:
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()
        except (ValueError, TypeError):
            continue
    return None


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class DeskDateRangeFilter(RangeDateFilter):
    def queryset(self, request, queryset):
        bounds = {}
        for suffix in ("from", "to"):
            raw = self.used_parameters.get(f"{self.parameter_name}_{suffix}")
            if raw in (None, "") or not isinstance(raw, str):
                continue
            day = parse_day(raw)
            if day is None:
                messages.warning(request, _("Дата «%(value)s» не распознана: введите её как дд.мм.гггг.")
                                 % {"value": raw[:20]})
                continue
            bounds[suffix] = day
        if not bounds:
            return queryset
        if isinstance(self.field, models.DateTimeField):
            if "from" in bounds:
                queryset = queryset.filter(**{f"{self.parameter_name}__gte": _day_start(bounds["from"])})
            if "to" in bounds:
                queryset = queryset.filter(
                    **{f"{self.parameter_name}__lt": _day_start(bounds["to"] + datetime.timedelta(days=1))})
            return queryset
        if "from" in bounds:
            queryset = queryset.filter(**{f"{self.parameter_name}__gte": bounds["from"]})
        if "to" in bounds:
            queryset = queryset.filter(**{f"{self.parameter_name}__lte": bounds["to"]})
        return queryset
