"""The call log finds a call by any contiguous part of the client's number (issue #17: «the same for the future call
log»): the tail read from a missed-call list, digits from the middle, the whole number in any format — on the phone
parts' key, never a LIKE '%…%' scan, and only among the calls of the user's offices."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legal_crm.core.phone_parts import backfill_parts
from legal_crm.telephony.adapters.base import RINGING
from legal_crm.telephony.models import Call, CallPhonePart, CompanyNumber, Pbx
from legal_crm.telephony.services import call_event_apply, call_start

from .conftest_helpers import T0, event, give_extension

pytestmark = pytest.mark.django_db


def _incoming(pbx, provider_id: str, client: str) -> Call:
    return call_event_apply(pbx=pbx, event=event(RINGING, provider_id, direction="in", from_number=client,
                                                 to_number="+74950000000"))


def _shown(client, term: str) -> set[str]:
    html = client.get(reverse("admin:telephony_call_changelist"), {"q": term}).content.decode()
    return set(re.findall(r"/admin/telephony/call/(\d+)/change/", html))


def test_a_call_is_found_by_any_part_of_the_clients_number(client, make_staff, office, other_office):
    pbx = Pbx.objects.create(kind="console", name="Учебная", office=office)
    CompanyNumber.objects.create(number="+74950000000", office=office)
    ours = _incoming(pbx, "in-1", "8 (948) 775-24-38")
    other = _incoming(pbx, "in-2", "+79161234567")
    foreign = _incoming(None, "in-3", "+79487752438")
    Call.objects.filter(pk=foreign.pk).update(office=other_office)  # the same number, logged by another office
    assert ours.client_phone == "+79487752438"
    assert sorted(CallPhonePart.objects.filter(call=ours).values_list("part", flat=True)) == sorted(
        "79487752438"[i:] for i in range(8))  # every suffix of four digits and more
    head = make_staff("office_head")
    client.force_login(head)
    mine = {str(ours.pk)}
    for typed in ("7752438", "2438", "48775", "8 948 775", "+7 948 775-24-38", "89487752438"):
        assert _shown(client, typed) == mine, typed  # the other office's call with the same number is not shown
    assert _shown(client, "1234567") == {str(other.pk)}
    assert "+7 916 123-45-67" in client.get(reverse("admin:telephony_call_changelist"), {"q": "1234567"}).content.decode()
    assert _shown(client, "") == {str(ours.pk), str(other.pk)}
    for junk in ("Иванов", "243", "12ab"):  # no phone search: nothing found, and no scan of the log
        with CaptureQueriesContext(connection) as queries:
            assert _shown(client, junk) == set()
        assert not any("LIKE" in q["sql"].upper() for q in queries.captured_queries), junk


def test_click_to_call_writes_the_parts_and_the_backfill_fills_older_calls(office, operator):
    Pbx.objects.create(kind="console", name="Учебная", office=office)
    give_extension(operator, pbx=Pbx.objects.get())
    made = call_start(actor=operator, phone="8 916 555-44-33")
    assert set(CallPhonePart.objects.filter(call=made).values_list("part", flat=True)) >= {"79165554433", "4433"}
    CallPhonePart.objects.all().delete()
    older = Call.objects.create(office=office, direction="in", client_phone="+79161112233", started_at=T0)
    empty = Call.objects.create(office=office, direction="in", client_phone="", started_at=T0)
    assert not CallPhonePart.objects.exists()
    written = backfill_parts(connection, part_table="telephony_callphonepart", owner_table="telephony_call",
                             owner_column="call_id", phone_column="client_phone")
    assert written == 16 and set(CallPhonePart.objects.values_list("call_id", flat=True)) == {older.pk, made.pk}
    assert backfill_parts(connection, part_table="telephony_callphonepart", owner_table="telephony_call",
                          owner_column="call_id", phone_column="client_phone") == 0  # resumes after the last
    assert not CallPhonePart.objects.filter(call=empty).exists()
