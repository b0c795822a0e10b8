"""Company numbers tied to marketing's ad sources: the source is picked, not typed; calls on the number give their
leads that source; the statistics page counts calls per number and per ad source, in the user's offices."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from legal_crm.leads.models import Lead
from legal_crm.leads.tests.factories import AdSourceFactory
from legal_crm.telephony.adapters.base import ENDED, RINGING
from legal_crm.telephony.models import Call, CompanyNumber
from legal_crm.telephony.services import call_event_apply
from legal_crm.telephony.services_summary import summary_rebuild

from .conftest_helpers import T0, event, give_extension

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2026-12-01", "to": "2026-12-31"}


def test_number_is_tied_to_an_existing_ad_source(client, admin_user, office):
    AdSourceFactory(code="metro", name="Реклама в метро")
    AdSourceFactory(code="old-radio", name="Радио", is_active=False)
    client.force_login(admin_user)
    url = reverse("admin:telephony_companynumber_add")
    html = client.get(url).content.decode()
    assert "Реклама в метро" in html and "old-radio" not in html  # a switched-off source is not offered
    form = {"number": "8 (495) 111-22-33", "name": "Метро", "office": office.pk, "ad_source_code": "no-such",
            "is_active": "on"}
    refused = client.post(url, form)
    assert refused.status_code == 200 and not CompanyNumber.objects.exists()
    assert client.post(url, {**form, "ad_source_code": "metro"}).status_code == 302
    number = CompanyNumber.objects.get()
    assert (number.number, number.ad_source_code) == ("+74951112233", "metro")


def test_a_missed_call_on_the_number_gives_its_lead_the_numbers_source(operator, office,
                                                                       django_capture_on_commit_callbacks):
    source = AdSourceFactory(code="metro", name="Реклама в метро")
    CompanyNumber.objects.create(number="+74951112233", office=office, ad_source_code="metro")
    give_extension(operator)
    with django_capture_on_commit_callbacks(execute=True):
        call_event_apply(pbx=None, event=event(RINGING, "m-1", 0, direction="in", from_number="89165550301",
                                               to_number="74951112233", company_number="74951112233", extension="101"))
        call_event_apply(pbx=None, event=event(ENDED, "m-1", 40))
    lead = Lead.objects.get(phone="+79165550301")
    assert (lead.source, lead.type.code) == (source, "missed_call")


def _calls(number, office, results, minute=0):
    for i, result in enumerate(results):
        Call.objects.create(office=office, direction="in", company_number=number, result=result, state="ended",
                            duration=60 if result == "answered" else 0,
                            started_at=T0 + datetime.timedelta(minutes=minute + i))


def test_statistics_per_number_and_per_ad_source_in_the_users_offices(client, make_staff, office, other_office):
    AdSourceFactory(code="metro", name="Реклама в метро")
    metro = CompanyNumber.objects.create(number="+74951112233", name="Метро", office=office, ad_source_code="metro")
    site = CompanyNumber.objects.create(number="+74951112244", name="Сайт", office=office)
    far = CompanyNumber.objects.create(number="+73832000000", office=other_office, ad_source_code="metro")
    _calls(metro, office, ["answered", "answered", "answered", "missed"])
    _calls(site, office, ["missed"])
    _calls(far, other_office, ["answered"] * 5)  # another office's: not in the head's figures
    Call.objects.create(office=office, direction="out", result="answered", state="ended", started_at=T0)
    summary_rebuild(T0.date())
    client.force_login(make_staff("office_head"))
    url = reverse("admin:telephony_call_stats")

    rows = client.get(url, {**PERIOD, "by": "number"}).context["rows"]
    assert sorted((r["label"], r["total"], r["answered"], r["answered_share"]) for r in rows) == [
        ("+7 495 111-22-33 Метро", 4, 3, 75), ("+7 495 111-22-44 Сайт", 1, 0, 0)]

    page = client.get(url, {**PERIOD, "by": "source"})
    assert sorted((r["label"], r["total"], r["answered_share"]) for r in page.context["rows"]) == [
        ("Без рекламного источника", 1, 0), ("Реклама в метро", 4, 75)]
    assert "Рекламный источник" in page.content.decode()

    export = client.get(url, {**PERIOD, "by": "source", "export": "xlsx"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet["A2"].value == "Рекламный источник"
    assert [c.value for c in sheet[sheet.max_row]] == ["Итого", 5, 5, 0, 3, 2, 180, 60]
