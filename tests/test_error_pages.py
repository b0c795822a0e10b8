"""The 403, 404 and 500 pages are the project's own, in Russian (English after the switch), not Django's."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_lead_card_is_the_russian_404(client, make_staff):
    client.force_login(make_staff("operator"))
    response = client.get(reverse("leads_lead_card", args=[987654]))
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ru">' in html and "<h1>Страница не найдена</h1>" in html
    assert "/admin/leads/lead/987654/card/" in html and 'href="/"' in html
    assert "Not Found" not in html and "The requested resource" not in html


@override_settings(DEBUG=False)
def test_a_refused_page_is_the_russian_403(client, make_staff, office):
    from legal_crm.leads.tests.factories import LeadFactory

    operator = make_staff("operator")
    assert not operator.has_perm("contracts.add_contract")
    client.force_login(operator)
    response = client.get(reverse("admin:contracts_contract_from_lead", args=[LeadFactory(office=office).pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Нет доступа</h1>" in html and "403 Forbidden" not in html


def test_the_500_page_needs_nothing_but_renders_in_russian():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Ошибка на сервере</h1>" in html and "Server Error (500)" not in html


def test_the_error_pages_follow_the_language():
    with translation.override("en"):
        html = defaults.server_error(RequestFactory().get("/")).content.decode()
    assert '<html lang="en">' in html and "<h1>Server error</h1>" in html


def _embedded_settings(monkeypatch, value):
    import importlib

    from legal_crm.settings import embedded

    if value is None:
        monkeypatch.delenv("LEGAL_CRM_DEBUG", raising=False)
    else:
        monkeypatch.setenv("LEGAL_CRM_DEBUG", value)
    return importlib.reload(embedded)


def test_the_embedded_default_runs_without_debug(monkeypatch):
    """bin/run's settings show no tracebacks or URL lists unless a developer opts in with LEGAL_CRM_DEBUG=1."""
    monkeypatch.setenv("DJANGO_DEBUG", "1")  # the variable that used to turn it on (by default) does nothing
    assert _embedded_settings(monkeypatch, None).DEBUG is False
    assert _embedded_settings(monkeypatch, "0").DEBUG is False
    assert _embedded_settings(monkeypatch, "1").DEBUG is True


def test_bin_run_serves_static_files_without_debug():
    """runserver serves /static/ only with DEBUG on, unless --insecure: the desk would lose its styles."""
    from pathlib import Path

    run = (Path(__file__).resolve().parents[1] / "bin" / "run").read_text()
    assert "manage.py runserver --insecure" in run


def test_an_unknown_desk_url_lists_no_urls(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and "<h1>Страница не найдена</h1>" in html
    assert "URLconf" not in html and "Traceback" not in html


@override_settings(DEBUG=False)
def test_a_bad_request_is_the_russian_400_on_the_desk_and_json_on_the_api(client, make_staff):
    """A filter a list does not offer (a stale bookmark, an edited address) and a forged Host header answered
    Django's bare English «Bad Request (400)», on the API too."""
    client.force_login(make_staff("sales"))
    response = client.get("/admin/leads/lead/", {"status__code__exact": "in_work"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Неверный запрос</h1>" in html and "Bad Request" not in html
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        response = client.get("/api/v1/leads/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@override_settings(DEBUG=False)
def test_the_portals_error_pages_lead_back_to_the_cabinet_in_a_clients_words(client):
    """The client's 404/400/500/CSRF pages linked «На главную» to / — the staff login — and spoke of offices."""
    from legal_crm.core import error_views

    response = client.get("/portal/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and 'href="/portal/"' in html and "офису" not in html
    request = RequestFactory().get("/portal/cases/")
    for response in (error_views.bad_request(request), error_views.server_error(request),
                     error_views.csrf_failure(request)):
        html = response.content.decode()
        assert 'href="/portal/"' in html and "администратор" not in html, response.status_code
    desk = client.get("/no-such-page/")
    assert 'href="/"' in desk.content.decode()


def _no_way_to_the_staff_login(html: str) -> bool:
    return 'href="/"' not in html and "На главную" not in html


@override_settings(DEBUG=False)
def test_a_bad_public_link_is_a_clients_404_not_the_desks(client):
    """An unsubscribe or review link from an SMS, mistyped or forged: the desk's «…к офису, к которому у вас нет
    доступа» and «На главную» (the staff login) were shown to a client."""
    from legal_crm.campaigns.unsubscribe import token_for

    forged = token_for("+79161234567")[:-1] + "x"
    for url in (f"/u/{forged}/", "/u/a/b/", "/r/a/b/", "/u/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404, url
        assert "<h1>Ссылка не найдена</h1>" in html and "Ссылка недействительна или устарела." in html, url
        assert "офису" not in html and _no_way_to_the_staff_login(html), url
    desk = client.get("/no-such-page/").content.decode()  # the desk's own 404 is unchanged
    assert "относится к офису" in desk and 'href="/"' in desk


@override_settings(DEBUG=False)
def test_public_pages_lead_nowhere_in_the_desk(client, db):
    from legal_crm.campaigns.unsubscribe import token_for

    url = f"/u/{token_for('+79161234567')}/"
    assert _no_way_to_the_staff_login(client.get(url).content.decode())
    assert _no_way_to_the_staff_login(client.post(url).content.decode())
    review = client.get("/r/not-a-token/")  # the review page's own «Ссылка не найдена»
    assert review.status_code == 404 and _no_way_to_the_staff_login(review.content.decode())


def test_public_pages_other_errors_speak_to_a_client():
    from legal_crm.core import error_views

    request = RequestFactory().get("/r/some-token/")
    for response in (error_views.bad_request(request), error_views.server_error(request),
                     error_views.csrf_failure(request), error_views.method_not_allowed(request),
                     error_views.unavailable(request)):
        html = response.content.decode()
        assert _no_way_to_the_staff_login(html) and "администратор" not in html, response.status_code


def test_every_public_prefix_of_urls_py_gets_the_public_pages():
    """A new public page (outside the desk, the cabinet, the API and the machines' callbacks) must be listed in
    error_views.PUBLIC_PREFIXES, or its errors would send clients to the staff login."""
    from legal_crm import urls
    from legal_crm.core import error_views

    not_for_clients = {"", "health/", "favicon.ico", "admin/", "i18n/", "api/", "callbacks/", "portal/"}
    prefixes = {str(p.pattern) for p in urls.urlpatterns}
    public = {p for p in prefixes if not any(p.startswith(own) for own in not_for_clients if own)} - {""}
    assert {f"/{p}" for p in public} == set(error_views.PUBLIC_PREFIXES)
