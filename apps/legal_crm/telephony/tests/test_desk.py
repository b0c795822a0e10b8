"""The desk pages of telephony: PBX settings keep the secret, recordings are checked downloads, statistics."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from legal_crm.leads.tests.factories import LeadFactory
from legal_crm.telephony.jobs import fetch_recordings
from legal_crm.telephony.models import Call, Pbx
from legal_crm.telephony.services_summary import summary_rebuild

from .conftest_helpers import T0

pytestmark = pytest.mark.django_db


def test_pbx_secret_is_never_shown_back(client, admin_user, office):
    pbx = Pbx.objects.create(kind="asterisk", name="Asterisk", host="10.0.0.5", port=5038, login="crm",
                             secret="very-secret-password", office=office)
    client.force_login(admin_user)
    html = client.get(reverse("admin:telephony_pbx_change", args=[pbx.pk])).content.decode()
    assert "very-secret-password" not in html and "…word" in html
    response = client.post(reverse("admin:telephony_pbx_change", args=[pbx.pk]), {
        "name": "Asterisk центр", "office": office.pk, "kind": "asterisk", "host": "10.0.0.6", "port": "5038",
        "login": "crm", "new_secret": "", "context": "from-internal", "is_active": "on"})
    assert response.status_code == 302
    pbx.refresh_from_db()
    assert (pbx.name, pbx.host, pbx.secret) == ("Asterisk центр", "10.0.0.6", "very-secret-password")


def test_recordings_are_fetched_by_the_job(office, fake_mango, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pbx = Pbx.objects.create(kind="mango", name="Манго", host=fake_mango.url, login="mango-key",
                             secret="mango-salt", office=office)
    call = Call.objects.create(pbx=pbx, office=office, direction="in", started_at=T0, state="ended",
                               result="answered", recording_url="mango:rec-7")
    assert fetch_recordings() == 1
    assert fetch_recordings() == 0  # stored: not fetched again
    call.refresh_from_db()
    assert call.recording.read() == b"ID3fake-mp3-bytes"


def test_recording_download_is_checked(client, operator, make_staff, office, other_office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = LeadFactory(office=office)
    call = Call.objects.create(office=office, direction="in", started_at=T0, state="ended", lead_id=lead.pk)
    call.recording.save("r.mp3", ContentFile(b"mp3"), save=True)
    url = reverse("admin:telephony_call_recording", args=[call.pk])
    client.force_login(operator)
    assert client.get(url).status_code == 200
    foreign = Call.objects.create(office=other_office, direction="in", started_at=T0, state="ended")
    foreign.recording.save("f.mp3", ContentFile(b"mp3"), save=True)
    assert client.get(reverse("admin:telephony_call_recording", args=[foreign.pk])).status_code == 404
    client.force_login(make_staff("finance"))
    assert client.get(url).status_code == 403


def test_recording_of_a_lead_the_user_may_not_see_is_404(client, make_staff, office, other_office, settings,
                                                         tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hidden = LeadFactory(office=other_office)
    call = Call.objects.create(office=office, direction="in", started_at=T0, state="ended", lead_id=hidden.pk)
    call.recording.save("r.mp3", ContentFile(b"mp3"), save=True)
    client.force_login(make_staff("operator", offices=[office]))
    assert client.get(reverse("admin:telephony_call_recording", args=[call.pk])).status_code == 404


def test_call_statistics_per_employee_and_day(client, make_staff, operator, office):
    head = make_staff("office_head")
    employee = operator.employee
    for i, (direction, result, talk) in enumerate([("in", "answered", 60), ("in", "missed", 0),
                                                   ("out", "answered", 30)]):
        Call.objects.create(office=office, direction=direction, employee=employee, state="ended", result=result,
                            duration=talk, started_at=T0 + datetime.timedelta(minutes=i))
    summary_rebuild(T0.date())  # written whole here, not ended through the service: the nightly rebuild counts them
    client.force_login(head)
    url = reverse("admin:telephony_call_stats")
    html = client.get(url, {"from": "2026-12-01", "to": "2026-12-31"}).content.decode()
    assert employee.user.last_name in html and "0:01:30" in html
    rows = client.get(url, {"from": "2026-12-01", "to": "2026-12-31", "by": "day"}).context["rows"]
    assert [(r["label"], r["total"], r["answered"], r["missed"]) for r in rows] == [("02.12.2026", 3, 2, 1)]
    export = client.get(url, {"from": "2026-12-01", "to": "2026-12-31", "by": "day", "export": "xlsx"})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    assert [c.value for c in sheet[3]] == ["02.12.2026", 3, 2, 1, 2, 1, 90, 67]


def _stats_with_one_call(client, make_staff, operator, office):
    Call.objects.create(office=office, direction="in", employee=operator.employee, state="ended", result="answered",
                        duration=60, started_at=T0)
    summary_rebuild(T0.date())
    client.force_login(make_staff("office_head"))
    return reverse("admin:telephony_call_stats")


def test_a_reversed_period_of_call_statistics_is_refused_in_words(client, make_staff, operator, office):
    """From after to was replaced by the month's start silently, and that period's figures shown and exported."""
    url = _stats_with_one_call(client, make_staff, operator, office)
    reversed_period = {"from": "2026-12-31", "to": "2026-12-01"}
    page = client.get(url, reversed_period)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["errors"] == {"to": "Конец периода раньше начала."}
    assert "Конец периода раньше начала." in html and "Статистика не построена: исправьте период." in html
    assert page.context["rows"] == [] and 'id="call-stats"' not in html
    assert 'name="from" value="2026-12-31"' in html and 'name="to" value="2026-12-01"' in html  # as typed
    export = client.get(url, {**reversed_period, "export": "xlsx"})
    assert "Content-Disposition" not in export and "Конец периода раньше начала." in export.content.decode()
    fine = client.get(url, {"from": "2026-12-01", "to": "2026-12-31"})
    assert not fine.context["errors"] and [r["total"] for r in fine.context["rows"]] == [1]


def test_a_period_of_call_statistics_over_a_year_is_refused_not_cut(client, make_staff, operator, office):
    url = _stats_with_one_call(client, make_staff, operator, office)
    long_period = {"from": "2025-01-01", "to": "2026-12-31"}
    page = client.get(url, long_period)
    assert page.context["errors"].keys() == {"from"} and page.context["rows"] == []
    assert "Период не больше года (366 дней)" in page.content.decode()
    assert 'name="from" value="2025-01-01"' in page.content.decode()
    assert "Content-Disposition" not in client.get(url, {**long_period, "export": "xlsx"})
    assert client.get(url, {"from": "2026-01-01", "to": "2026-12-31"}).context["rows"]  # a year is fine


def test_a_mistyped_or_far_off_date_of_call_statistics_is_refused_on_its_field(client, make_staff, operator,
                                                                                 office):
    url = _stats_with_one_call(client, make_staff, operator, office)
    page = client.get(url, {"from": "2026-02-31", "to": "9999-12-31"})
    assert page.context["errors"]["from"] == "Дата в виде 27.11.2026."
    assert "не может быть позже" in page.context["errors"]["to"] and page.context["rows"] == []
    assert "Content-Disposition" not in client.get(url, {"from": "0001-01-01", "export": "xlsx"})


def test_company_numbers_show_their_usage(client, admin_user, office):
    from legal_crm.telephony.models import CompanyNumber

    number = CompanyNumber.objects.create(number="+74951234567", office=office)
    for result in ("answered", "missed"):
        Call.objects.create(office=office, direction="in", company_number=number, result=result, state="ended",
                            started_at=T0)
    summary_rebuild(T0.date())
    client.force_login(admin_user)
    html = client.get(reverse("admin:telephony_companynumber_changelist")).content.decode()
    assert "50 %" in html


def test_the_call_page_and_the_company_numbers_read_numbers_as_staff_read_them(client, admin_user, office):
    """The call's «с номера», «на номер», client's phone and company number read +7 916 123-45-67, not E.164; an
    extension stays as it is."""
    from legal_crm.telephony.models import CompanyNumber

    number = CompanyNumber.objects.create(number="+74951112233", name="Сайт", office=office)
    call = Call.objects.create(office=office, direction="out", started_at=T0, from_number="101",
                               to_number="+79161234567", client_phone="+79161234567", company_number=number)
    client.force_login(admin_user)
    html = client.get(reverse("admin:telephony_call_change", args=[call.pk])).content.decode()
    assert "+7 916 123-45-67" in html and "+79161234567" not in html
    assert "+7 495 111-22-33 Сайт" in html and "+74951112233" not in html
    assert ">101<" in html.replace("\n", "").replace(" ", "")
    listed = client.get(reverse("admin:telephony_companynumber_changelist")).content.decode()
    assert "+7 495 111-22-33" in listed and "+74951112233" not in listed
