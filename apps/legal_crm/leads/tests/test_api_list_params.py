"""The lists' query parameters: a phone search needs four digits, a one-value filter sent twice is refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from legal_crm.leads.tests.factories import LeadFactory, status

URL = "/api/v1/leads/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("admin"))
    return client


@pytest.mark.parametrize("typed", ["1", "12", "916", "+7", "8 (9", "-"])
def test_phone_search_with_fewer_than_four_digits_is_a_400(api, office, typed):
    LeadFactory(office=office, phone="+79165554433")
    r = api.get(URL, {"phone": typed})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid"
    assert body["field_codes"] == {"phone": "phone_too_short"}
    assert body["fields"] == {"phone": "Для поиска по телефону нужно не меньше 4 цифр подряд."}


@pytest.mark.parametrize("typed", ["4433", "5554433", "+7 916 555-44-33", "8 916 555"])
def test_phone_search_with_four_digits_or_a_whole_number_finds_the_lead(api, office, typed):
    target = LeadFactory(office=office, phone="+79165554433")
    r = api.get(URL, {"phone": typed})
    assert r.status_code == 200, r.content
    assert [row["id"] for row in r.json()["results"]] == [target.pk]


def test_phone_search_with_letters_is_a_400(api, office):
    r = api.get(URL, {"phone": "abc12345"})
    assert r.status_code == 400
    assert r.json()["field_codes"] == {"phone": "invalid_phone"}


@pytest.mark.parametrize("name,values", [
    ("status", ["new", "in_work"]), ("status", ["new", "new"]), ("type", ["online", "social"]),
    ("phone", ["4433", "5544"]), ("date_from", ["2026-01-01", "2026-02-01"]),
])
def test_leads_filter_sent_twice_is_a_400_naming_it(api, office, name, values):
    LeadFactory(office=office, status=status("new"))
    with CaptureQueriesContext(connection) as queries:
        r = api.get(URL, {name: values})
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["field_codes"] == {name: "repeated_param"}
    assert body["fields"] == {name: f"Параметр «{name}» указан больше одного раза: фильтр принимает одно значение."}
    assert not any("leads_lead" in q["sql"] for q in queries.captured_queries)  # refused before any search


@pytest.mark.parametrize("url,name,values", [
    ("/api/v1/contracts/", "status", ["draft", "signed"]),
    ("/api/v1/billing/invoices/", "status", ["issued", "paid"]),
    ("/api/v1/billing/invoices/", "contract", ["1", "2"]),
    ("/api/v1/counterparties/", "role", ["client", "creditor"]),
])
def test_other_lists_refuse_a_filter_sent_twice_too(api, office, url, name, values):
    r = api.get(url, {name: values})
    assert r.status_code == 400, r.content
    assert r.json()["field_codes"] == {name: "repeated_param"}


def test_one_status_still_filters(api, office):
    target = LeadFactory(office=office, status=status("in_work"))
    LeadFactory(office=office, status=status("new"))
    r = api.get(URL, {"status": "in_work"})
    assert r.status_code == 200 and [row["id"] for row in r.json()["results"]] == [target.pk]
