"""Search by any contiguous part of a phone number (issue #17): the tail read from a missed-call list, digits from
the middle — in the desk's lead list and the API, on the phone parts' index, never a LIKE '%…%' scan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from legal_crm.core.phone_parts import phone_parts, searched_digits
from legal_crm.leads.models import Lead, LeadPhonePart
from legal_crm.leads.tests.factories import LeadFactory

LIST = "/admin/leads/lead/"
API = "/api/v1/leads/"


def _no_like_scan(ctx) -> None:
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "LIKE '%" not in sql and "LIKE %" not in sql and "%%" not in sql


def test_parts_are_the_suffixes_of_four_digits_or_more():
    assert phone_parts("+79487752438") == ["79487752438", "9487752438", "487752438", "87752438", "7752438",
                                          "752438", "52438", "2438"]
    assert phone_parts("") == []
    assert searched_digits("775-24-38") == ("7752438",)
    assert searched_digits("8 948 775") == ("8948775", "7948775")  # the national 8 read as +7 too
    assert searched_digits("243") is None and searched_digits("Иванова 2438") is None


@pytest.fixture
def intake_lead(make_staff, office):
    """A lead as it arrives: through the intake (the API), which writes its phone parts."""
    client = APIClient()
    client.force_authenticate(make_staff("operator"))
    r = client.post(API, {"phone": "+7 948 775-24-38", "name": "Искомый"}, format="json")
    assert r.status_code == 201, r.content
    return Lead.objects.get(pk=r.json()["id"])


@pytest.mark.django_db
def test_intake_writes_the_parts_of_the_phone(intake_lead):
    assert sorted(LeadPhonePart.objects.filter(lead=intake_lead).values_list("part", flat=True)) == sorted(
        phone_parts("+79487752438"))


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["7752438", "775-24-38", "2438", "48775", "9487 75", "8 948 775",
                                   "+7 948 775-24-38", "89487752438"])
def test_desk_list_finds_the_lead_by_its_last_seven_digits_or_any_part(client, make_staff, intake_lead, typed):
    LeadFactory(office=intake_lead.office, phone="+79161234567", name="Другой")
    client.force_login(make_staff("operator"))
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(LIST, {"q": typed})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Искомый" in html and "Другой" not in html, typed
    _no_like_scan(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["7752438", "877524", "2438"])
def test_api_finds_the_lead_by_its_last_seven_digits_or_middle_digits(make_staff, intake_lead, typed):
    LeadFactory(office=intake_lead.office, phone="+79161234567", name="Другой")
    api = APIClient()
    api.force_authenticate(make_staff("operator"))
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(API, {"phone": typed})
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["results"]] == [intake_lead.pk]
    _no_like_scan(ctx)


@pytest.mark.django_db
def test_a_part_search_keeps_the_office_scope(client, make_staff, office, other_office):
    LeadFactory(office=office, phone="+79261117752", name="Свой")
    LeadFactory(office=other_office, phone="+79031117752", name="Чужой")
    client.force_login(make_staff("operator"))
    html = client.get(LIST, {"q": "1117752"}).content.decode()
    assert "Свой" in html and "Чужой" not in html


@pytest.mark.django_db
def test_a_part_search_costs_the_same_queries_for_one_match_or_many(client, make_staff, office):
    client.force_login(make_staff("operator"))
    LeadFactory(office=office, phone="+79260005555")
    client.get(LIST, {"q": "5555"})  # warms the reference caches
    with CaptureQueriesContext(connection) as one:
        client.get(LIST, {"q": "5555"})
    for i in range(30):
        LeadFactory(office=office, phone=f"+7926{i:03d}5555")
    with CaptureQueriesContext(connection) as many:
        r = client.get(LIST, {"q": "5555"})
    assert r.status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)
