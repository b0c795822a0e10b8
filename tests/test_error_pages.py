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
