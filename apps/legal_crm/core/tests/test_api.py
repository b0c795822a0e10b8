"""The API base: token auth, the error format, the OpenAPI schema and its docs page."""

import re

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clean_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def test_token_for_username_and_password(api, make_staff):
    user = make_staff("operator")
    response = api.post(TOKEN_URL, {"username": user.username, "password": "demo"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    # The same token again, and it authenticates.
    assert api.post(TOKEN_URL, {"username": user.username, "password": "demo"}, format="json").json()["token"] \
        == token
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/counterparties/").status_code == 200


def test_wrong_password_is_a_russian_400(api, make_staff):
    user = make_staff("operator")
    response = api.post(TOKEN_URL, {"username": user.username, "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert re.search("[а-яА-Я]", body["detail"])
    assert body["fields"] == {}


def test_missing_fields_name_the_fields(api):
    response = api.post(TOKEN_URL, {"username": "x"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"password"}
    assert re.search("[а-яА-Я]", body["fields"]["password"])
    assert body["field_codes"] == {"password": "required"}


def test_malformed_json_is_parse_error(api):
    response = api.post(TOKEN_URL, data='{"username": "x", ', content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["detail"] == "Тело запроса не является корректным JSON."
    assert body["fields"] == {}


def test_unauthenticated_gets_the_error_format(api):
    response = api.get("/api/v1/counterparties/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "not_authenticated"
    assert re.search("[а-яА-Я]", body["detail"])


def test_bad_token_gets_the_error_format(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = api.get("/api/v1/counterparties/")
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "authentication_failed"


def test_forbidden_and_not_found_get_the_error_format(api, make_staff):
    api.force_authenticate(make_staff("hr"))  # hr has no directory permissions
    response = api.get("/api/v1/counterparties/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    api.force_authenticate(make_staff("operator"))
    response = api.get("/api/v1/counterparties/999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Не найдено.", "fields": {}}


def test_method_not_allowed_gets_the_error_format(api, admin_user):
    api.force_authenticate(admin_user)
    response = api.delete("/api/v1/sros/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_schema_and_docs(client, make_staff):
    client.force_login(make_staff("operator"))
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "openapi: 3" in text
    assert "/api/v1/auth/token/" in text
    assert "/api/v1/counterparties/" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Assets come from drf-spectacular-sidecar, served locally — nothing from the internet.
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui" in a for a in assets)
    assert not [a for a in assets if a.startswith(("http://", "https://", "//"))], assets
    assert "/static/drf_spectacular_sidecar/" in html


def test_docs_assets_are_served_locally(client):
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")


def test_schema_is_public_for_integrators(client):
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.django_db
def test_the_token_throttle_is_not_fooled_by_x_forwarded_for(settings):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    client = APIClient()
    codes = [client.post(TOKEN_URL, {"username": f"nobody{i}", "password": "x"}, format="json",
                         HTTP_X_FORWARDED_FOR=f"10.0.{i // 250}.{i % 250}").status_code for i in range(22)]
    assert codes[-1] == 429  # one client, whatever address it claims
