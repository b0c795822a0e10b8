"""Every API list pages through one capped pagination: junk `limit`/`offset` is a 400 with a stable code, never a 500."""

import pytest
from rest_framework.test import APIClient

from legal_crm.core.pagination import CAP, MAX_LIMIT

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/counterparties/", "/api/v1/contracts/", "/api/v1/billing/invoices/", "/api/v1/sros/",
         "/api/v1/financial-managers/", "/api/v1/leads/"]


@pytest.fixture
def api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("admin"))
    return client


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("param,value,code", [
    ("limit", "99999999999999999999", "max_value"),
    ("limit", str(MAX_LIMIT + 1), "max_value"),
    ("limit", "0", "min_value"),
    ("limit", "-5", "min_value"),
    ("limit", "abc", "invalid"),
    ("limit", "1e3", "invalid"),
    ("limit", "٣", "invalid"),
    ("offset", "99999999999999999999", "max_value"),
    ("offset", str(CAP + 1), "max_value"),
    ("offset", "-1", "min_value"),
    ("offset", "x1", "invalid"),
])
def test_junk_paging_is_a_russian_400(api, url, param, value, code):
    response = api.get(url, {param: value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["field_codes"] == {param: code}
    assert any("а" <= ch.lower() <= "я" for ch in body["fields"][param])


@pytest.mark.parametrize("url", LISTS)
def test_sane_paging_answers_a_capped_page(api, url):
    response = api.get(url, {"limit": MAX_LIMIT, "offset": CAP})
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert api.get(url).status_code == 200


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "abc", "-1", "0", "1.5"])
def test_an_id_filter_that_is_not_an_id_is_a_400(api, value):
    response = api.get("/api/v1/billing/invoices/", {"contract": value})
    assert response.status_code == 400
    assert response.json()["field_codes"] == {"contract": "invalid"}


@pytest.mark.parametrize("url", ["/api/v1/contracts/99999999999999999999/", "/api/v1/leads/99999999999999999999/",
                                 "/api/v1/billing/contracts/99999999999999999999/balance/",
                                 "/api/v1/billing/invoices/99999999999999999999/payments/"])
def test_a_huge_id_in_the_path_is_a_404(api, url):
    response = api.get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_id_filter_still_filters(api):
    assert api.get("/api/v1/billing/invoices/", {"contract": "9223372036854775807"}).json()["results"] == []
    assert api.get("/api/v1/billing/invoices/", {"contract": ""}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/billing/invoices/", "/api/v1/contracts/"])
def test_an_unknown_status_filter_is_a_400(api, url):
    response = api.get(url, {"status": "nonsense"})
    assert response.status_code == 400
    assert response.json()["field_codes"] == {"status": "invalid_choice"}
    assert api.get(url, {"status": ""}).status_code == 200


@pytest.mark.django_db
def test_the_api_answers_json_only(client, admin_user):
    """DRF's browsable API (an English developer page) was served to a browser; the docs are /api/docs/."""
    client.force_login(admin_user)
    page = client.get("/api/v1/leads/", HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("application/json")
    refused = client.get("/api/v1/leads/", {"format": "api"})  # a format it does not speak: 406, in JSON
    assert (refused.status_code, refused.json()["code"]) == (406, "not_acceptable")
    assert client.get("/api/docs/").status_code == 200
