"""The API's protocol answers: a multipart body past the upload limit (413), a format other than JSON (406), a field
given twice in any body format (400 repeated_field)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from legal_crm.leads.models import Lead, LeadContact

pytestmark = pytest.mark.django_db

LEADS = "/api/v1/leads/"
MB = 1024 * 1024


@pytest.fixture
def api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("operator"))
    return client


def test_multipart_body_with_a_file_past_the_upload_limit_is_a_json_413(api, office, settings):
    settings.CONTRACTS_MAX_UPLOAD_BYTES = MB  # the desk's and the portal's limit, shared by the API
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * MB)
    r = api.post(LEADS, {"phone": "+79161234567", "name": "Иван", "file": big}, format="multipart")
    assert r.status_code == 413
    assert r["Content-Type"] == "application/json"
    assert r.json() == {"code": "request_too_large", "fields": {},
                        "detail": "Тело запроса больше 1 МБ: уменьшите файлы или передайте данные JSON."}
    assert not Lead.objects.exists() and not LeadContact.objects.exists()


def test_multipart_body_within_the_limit_is_still_taken(api, office, settings):
    settings.CONTRACTS_MAX_UPLOAD_BYTES = MB
    small = SimpleUploadedFile("note.txt", b"0" * 1000)
    r = api.post(LEADS, {"phone": "+79161234567", "name": "Иван", "file": small}, format="multipart")
    assert r.status_code == 201, r.content
    assert Lead.objects.get().name == "Иван"


def test_the_default_upload_limit_is_the_documents_one(settings):
    from legal_crm.contracts.uploads import max_upload_bytes as documents_limit
    from legal_crm.core.parsers import max_upload_bytes as api_limit

    assert api_limit() == documents_limit() == 25 * MB


NOT_ACCEPTABLE = {"code": "not_acceptable", "detail": "API отвечает только в формате JSON (application/json).",
                  "fields": {}}


@pytest.mark.parametrize("url", [LEADS, "/api/v1/contracts/", "/api/v1/counterparties/"])
@pytest.mark.parametrize("fmt", ["xml", "html", "api", "yaml"])
def test_unsupported_format_is_a_json_406_not_a_404(api, office, url, fmt):
    r = api.get(url, {"format": fmt})
    assert r.status_code == 406, r.content
    assert r["Content-Type"] == "application/json"
    assert r.json() == NOT_ACCEPTABLE


def test_unsupported_format_on_a_post_is_a_406_and_nothing_stored(api, office):
    r = api.post(f"{LEADS}?format=xml", {"phone": "+79161234567"}, format="json")
    assert r.status_code == 406 and r.json() == NOT_ACCEPTABLE
    assert not Lead.objects.exists()


def test_accept_header_for_another_format_is_a_json_406(api, office):
    r = api.get(LEADS, HTTP_ACCEPT="application/xml")
    assert r.status_code == 406 and r["Content-Type"] == "application/json"
    assert r.json() == NOT_ACCEPTABLE


@pytest.mark.parametrize("accept", [None, "", "*/*", "application/json", "application/json; indent=4", "text/*"])
def test_the_shortcut_for_clients_taking_anything_answers_as_drf_does(accept):
    """core.negotiation answers «anything» (no Accept, */*) without parsing the header: as DRF's own negotiation."""
    from rest_framework.exceptions import NotAcceptable
    from rest_framework.negotiation import DefaultContentNegotiation
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from legal_crm.core.negotiation import ContentNegotiation

    def answer(negotiation):
        request = Request(APIRequestFactory().get(LEADS, **({} if accept is None else {"HTTP_ACCEPT": accept})))
        try:
            renderer, media_type = negotiation.select_renderer(request, [JSONRenderer()])
        except NotAcceptable:
            return "406"
        return type(renderer), media_type

    ours = answer(ContentNegotiation())
    assert ours == answer(DefaultContentNegotiation())
    assert (ours == "406") == (accept in ("", "text/*"))  # an empty Accept takes nothing, for DRF too


def test_format_json_is_answered(api, office):
    r = api.get(LEADS, {"format": "json"})
    assert r.status_code == 200 and r["Content-Type"] == "application/json"


@pytest.mark.parametrize("param", ["limit", "offset"])
def test_a_page_parameter_sent_twice_is_a_400_not_the_last_one(api, office, param):
    r = api.get("/api/v1/leads/?" + f"{param}=1&{param}=2")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["field_codes"] == {param: "repeated_param"}
    assert body["fields"][param] == (f"Параметр «{param}» указан больше одного раза: фильтр принимает одно "
                                     "значение.")
    assert api.get("/api/v1/leads/", {param: "1"}).status_code == 200


@pytest.mark.parametrize("body,content_type", [
    ("username=a&username=b&password=demo", "application/x-www-form-urlencoded"),
    ('{"username": "a", "username": "b", "password": "demo"}', "application/json"),
])
def test_a_field_given_twice_is_refused_on_every_endpoint_not_only_the_intake(body, content_type, make_staff):
    """The parsers refuse it (core.parsers), so the token endpoint answers as the lead intake does."""
    make_staff("operator", username="b")
    r = APIClient().post("/api/v1/auth/token/", data=body, content_type=content_type)
    assert r.status_code == 400, r.content
    assert r.json()["field_codes"] == {"username": "repeated_field"}
    assert "token" not in r.json()


def test_a_multipart_field_or_file_given_twice_is_refused(api, office):
    r = api.post(LEADS, {"phone": ["+79161234567", "+79161234568"], "name": "Иван"}, format="multipart")
    assert r.status_code == 400 and r.json()["field_codes"] == {"phone": "repeated_field"}
    files = [SimpleUploadedFile("a.txt", b"1"), SimpleUploadedFile("b.txt", b"2")]
    r = api.post(LEADS, {"phone": "+79161234567", "name": "Иван", "file": files}, format="multipart")
    assert r.status_code == 400 and r.json()["field_codes"] == {"file": "repeated_field"}
    assert not Lead.objects.exists()
