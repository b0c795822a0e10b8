"""Plausible dates: one range per kind of date a person types (a payment in year 1 or a birth in 2999 is a typo).

`check_date(value, kind)` raises django's ValidationError with a Russian message; models' clean(), forms
(`PlausibleDateFormField`), serializers (core.api.PlausibleDateSerializerField) and services
(`date_or_domain_error`) all ask it, so each kind has one rule. "Today" is the local date (timezone.localdate)
unless the caller passes the office's own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import local_date


@dataclass(frozen=True)
class DateKind:
    code: str
    noun: str  # "дата рождения": the sentence's subject
    earliest: datetime.date | None = None  # a fixed first date...
    days_back: int | None = None  # ...or this many days before today
    days_ahead: int = 0  # the latest date: today + this many days


_YEAR = 366
BIRTH = DateKind("birth", gettext_lazy("Дата рождения"), earliest=datetime.date(1900, 1, 1))
# Things that happened: payments, documents, signatures, actions, expenses, requests received.
PAST_EVENT = DateKind("past_event", gettext_lazy("Дата"), earliest=datetime.date(2000, 1, 1), days_ahead=1)
# Documents issued to a person (a passport): from a long time ago, never tomorrow.
ISSUED = DateKind("issued", gettext_lazy("Дата выдачи"), earliest=datetime.date(1950, 1, 1))
# Staff dates: hired years ago or next month, dismissed up to a year ahead.
EMPLOYMENT = DateKind("employment", gettext_lazy("Дата"), earliest=datetime.date(1950, 1, 1), days_ahead=_YEAR)
# Planned dates: due dates, planned starts and ends, schedules — from a little in the past to a few years ahead.
PLANNED = DateKind("planned", gettext_lazy("Плановая дата"), days_back=_YEAR, days_ahead=10 * _YEAR)
# Court hearings: the case's past hearings and those set up to three years ahead.
HEARING = DateKind("hearing", gettext_lazy("Дата заседания"), earliest=datetime.date(2000, 1, 1),
                   days_ahead=3 * _YEAR)

# A date whose meaning the product does not know (a service's own date field): a century back, ten years ahead.
ANY = DateKind("any", gettext_lazy("Дата"), earliest=datetime.date(1900, 1, 1), days_ahead=10 * _YEAR)

KINDS = {kind.code: kind for kind in (BIRTH, PAST_EVENT, ISSUED, EMPLOYMENT, PLANNED, HEARING, ANY)}


def date_bounds(kind: DateKind, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    earliest = kind.earliest if kind.earliest is not None else today - datetime.timedelta(days=kind.days_back or 0)
    return earliest, today + datetime.timedelta(days=kind.days_ahead)


def date_error(value, kind: DateKind, today: datetime.date | None = None) -> str | None:
    """The Russian sentence for a date outside the kind's range, or None when it is plausible (or empty)."""
    day = local_date(value)
    if day is None:
        return None
    earliest, latest = date_bounds(kind, today)
    if day < earliest:
        return _("%(noun)s не может быть раньше %(date)s.") % {"noun": kind.noun, "date": earliest.strftime("%d.%m.%Y")}
    if day > latest:
        if kind.days_ahead == 0:
            return _("%(noun)s не может быть в будущем.") % {"noun": kind.noun}
        return _("%(noun)s не может быть позже %(date)s.") % {"noun": kind.noun, "date": latest.strftime("%d.%m.%Y")}
    return None


def check_date(value, kind: DateKind, today: datetime.date | None = None) -> None:
    message = date_error(value, kind, today)
    if message:
        raise ValidationError(message, code=f"date_{kind.code}_range")


def date_errors(pairs: dict, today: datetime.date | None = None) -> dict[str, str]:
    """{field: (value, kind)} → {field: message} for the implausible ones; for models' clean()."""
    errors = {}
    for field, (value, kind) in pairs.items():
        message = date_error(value, kind, today)
        if message:
            errors[field] = message
    return errors


def date_or_domain_error(value, kind: DateKind, field: str, today: datetime.date | None = None):
    """For services: the value itself, or a DomainError `date_out_of_range` on `field`."""
    from .errors import DomainError

    message = date_error(value, kind, today)
    if message:
        raise DomainError("date_out_of_range", message, fields={field: message})
    return value


class PlausibleDateFormField(forms.DateField):
    """A desk date box with the kind's range: an absurd year is a field error, not a saved record."""

    def __init__(self, *args, kind: DateKind, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        check_date(value, self.kind)


class PlausibleDateTimeFormField(forms.DateTimeField):
    def __init__(self, *args, kind: DateKind, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        check_date(value, self.kind)
