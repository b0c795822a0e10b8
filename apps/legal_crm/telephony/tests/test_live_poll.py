"""The incoming-call pop-up's long-poll: a PBX event at the employee's extension gives their live calls a new
version once committed, and a request waiting on the old version answers at once with the ringing call."""

from __future__ import annotations

import datetime
import time

import pytest
import time_machine
from django.urls import reverse

from legal_crm.telephony.adapters.base import RINGING
from legal_crm.telephony.models import CompanyNumber
from legal_crm.telephony.selectors import live_version
from legal_crm.telephony.services import call_event_apply

from .conftest_helpers import T0, event, give_extension

pytestmark = pytest.mark.django_db
GENEROUS = 20  # seconds: a request must answer well before its wait when the version is stale


def _ring(pid, phone):
    call_event_apply(pbx=None, event=event(RINGING, pid, 0, direction="in", from_number=phone,
                                           to_number="74951234567", company_number="74951234567", extension="101"))


def test_a_ringing_call_wakes_the_waiting_pop_up(client, operator, office, django_capture_on_commit_callbacks):
    give_extension(operator)
    CompanyNumber.objects.create(number="+74951234567", office=office)
    client.force_login(operator)
    url = reverse("admin:telephony_call_live")
    # The whole test on the test's calendar (the clock ticks, so each version differs): the version lives in the
    # cache for a day from when it was set, so one set at T0 and read at the real date would expire by the calendar.
    with time_machine.travel(T0 + datetime.timedelta(seconds=2), tick=True):
        first = client.get(url).json()
        assert first["calls"] == [] and first["version"]
        with django_capture_on_commit_callbacks(execute=False) as pending:
            _ring("lp-1", "+79165550501")
        assert live_version(operator.employee.pk) == first["version"]  # not before the call is committed
        for callback in pending:
            callback()
        assert live_version(operator.employee.pk) != first["version"]

        started = time.monotonic()
        woken = client.get(url, {"since": first["version"], "wait": GENEROUS * 3}).json()
        assert time.monotonic() - started < GENEROUS  # the stale version is not held
        assert [c["phone"] for c in woken["calls"]] == ["+7 916 555-05-01"]
        assert woken["version"] == live_version(operator.employee.pk)


def test_nothing_new_answers_after_the_wait_with_the_same_version(client, operator, settings):
    settings.TELEPHONY_LIVE_WAIT = 0.2  # the server's cap wins over the asked 60 s
    client.force_login(operator)
    url = reverse("admin:telephony_call_live")
    version = client.get(url).json()["version"]
    again = client.get(url, {"since": version, "wait": "60"}).json()
    assert again == {**again, "calls": [], "version": version}
    assert client.get(url, {"since": version, "wait": "nonsense"}).json()["version"] == version


def test_the_pop_up_feed_is_the_users_own(client, make_staff, operator, office,
                                          django_capture_on_commit_callbacks):
    give_extension(operator)
    CompanyNumber.objects.create(number="+74951234567", office=office)
    other = make_staff("operator")
    client.force_login(other)
    url = reverse("admin:telephony_call_live")
    version = client.get(url).json()["version"]
    with django_capture_on_commit_callbacks(execute=True):
        _ring("lp-2", "+79165550502")
    with time_machine.travel(T0 + datetime.timedelta(seconds=2), tick=False):
        assert client.get(url, {"since": version, "wait": "0.2"}).json()["calls"] == []
