"""Plausible dates, one rule per kind (issue 10, item 10). The clock is passed in (`today`) or patched."""

import datetime
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ValidationError

from legal_crm.core.dates import (
    ANY,
    BIRTH,
    EMPLOYMENT,
    HEARING,
    ISSUED,
    PAST_EVENT,
    PLANNED,
    PlausibleDateFormField,
    check_date,
    date_error,
    date_or_domain_error,
)
from legal_crm.core.errors import DomainError

TODAY = datetime.date(2026, 6, 15)
D = datetime.date

CASES = [
    (BIRTH, D(1985, 3, 1), True), (BIRTH, D(1900, 1, 1), True), (BIRTH, TODAY, True),
    (BIRTH, D(1899, 12, 31), False), (BIRTH, D(2999, 1, 1), False), (BIRTH, TODAY + datetime.timedelta(days=1), False),
    (PAST_EVENT, D(2026, 6, 1), True), (PAST_EVENT, TODAY + datetime.timedelta(days=1), True),
    (PAST_EVENT, D(1, 1, 1), False), (PAST_EVENT, D(1999, 12, 31), False),
    (PAST_EVENT, TODAY + datetime.timedelta(days=2), False),
    (ISSUED, D(1975, 5, 5), True), (ISSUED, D(1949, 12, 31), False), (ISSUED, TODAY + datetime.timedelta(days=1), False),
    (EMPLOYMENT, D(2010, 1, 1), True), (EMPLOYMENT, D(2027, 1, 1), True), (EMPLOYMENT, D(2999, 1, 1), False),
    (PLANNED, D(2026, 7, 1), True), (PLANNED, D(2035, 1, 1), True), (PLANNED, D(2025, 7, 1), True),
    (PLANNED, D(2020, 1, 1), False), (PLANNED, D(2999, 1, 1), False), (PLANNED, D(1, 1, 1), False),
    (HEARING, D(2026, 9, 1), True), (HEARING, D(2015, 9, 1), True), (HEARING, D(2030, 1, 1), False),
    (HEARING, D(1999, 1, 1), False),
    (ANY, D(1950, 1, 1), True), (ANY, D(1, 1, 1), False), (ANY, D(9999, 12, 31), False),
]


@pytest.mark.parametrize(("kind", "day", "ok"), CASES)
def test_ranges(kind, day, ok):
    assert (date_error(day, kind, TODAY) is None) is ok
    if not ok:
        with pytest.raises(ValidationError):
            check_date(day, kind, TODAY)


def test_messages_are_russian_and_name_the_bound():
    assert date_error(D(2999, 1, 1), BIRTH, TODAY) == "Дата рождения не может быть в будущем."
    assert date_error(D(1, 1, 1), PAST_EVENT, TODAY) == "Дата не может быть раньше 01.01.2000."
    assert "позже" in date_error(D(2999, 1, 1), PLANNED, TODAY)


def test_datetimes_and_empty_values():
    aware = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
    assert date_error(aware, PAST_EVENT, TODAY)
    assert date_error(None, PAST_EVENT, TODAY) is None and date_error("", PAST_EVENT, TODAY) is None


def test_domain_error_for_services():
    with pytest.raises(DomainError) as exc:
        date_or_domain_error(D(1, 1, 1), PAST_EVENT, "paid_at", TODAY)
    assert exc.value.code == "date_out_of_range" and "paid_at" in exc.value.fields
    assert date_or_domain_error(TODAY, PAST_EVENT, "paid_at", TODAY) == TODAY


def test_form_field_uses_the_local_date():
    class F(forms.Form):
        born = PlausibleDateFormField(kind=BIRTH)

    with mock.patch("legal_crm.core.dates.timezone.localdate", return_value=TODAY):
        assert F({"born": "01.03.1985"}).is_valid()
        form = F({"born": "01.01.2999"})
        assert not form.is_valid() and "в будущем" in form.errors["born"][0]
