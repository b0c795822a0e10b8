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
