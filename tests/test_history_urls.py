"""Every desk record's history page answers (200, a redirect, 403 or 404) — never a 500 — for every registered
admin model, for an administrator and for an employee without access to it."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db

ALLOWED = {200, 302, 403, 404}


def _history_urls() -> list[str]:
    urls = []
    for model, _model_admin in sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label):
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        try:
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk if obj else 1]))
        except NoReverseMatch:
            continue
    return urls


def test_every_history_page_answers_without_a_500(make_staff):
    call_command("seed_demo", stdout=io.StringIO())  # records of every kind, so the pages show real history
    users = {"admin": make_staff("admin"), "operator": make_staff("operator"),
             "superuser": make_staff("admin", superuser=True)}
    urls = _history_urls()
    assert len(urls) > 20
    broken = []
    for name, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            if status not in ALLOWED:
                broken.append(f"{name} {url}: {status}")
    assert not broken, "; ".join(broken)


def test_a_proxy_desk_page_shows_its_records_history(make_staff):
    """The service settings page (a proxy of the service) shows the service's own history."""
    from legal_crm.contracts.tests.factories import ServiceFactory

    service = ServiceFactory(name="Банкротство под ключ")
    service.name = "Банкротство физлиц"
    service.save()
    client = Client(raise_request_exception=False)
    client.force_login(make_staff("admin", superuser=True))
    response = client.get(reverse("admin:contracts_servicesettings_history", args=[service.pk]))
    assert response.status_code == 200
    assert "Банкротство физлиц" in response.content.decode()
