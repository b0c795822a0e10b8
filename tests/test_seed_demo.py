"""`manage.py seed_demo` with every module's seeder (hooks.DEMO_SEEDERS): idempotent, demo logins work."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from legal_crm import hooks

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["admin", "operator", "sales", "lawyer", "office_head", "finance", "hr", "marketer"]


def _counts() -> dict[str, int]:
    """Rows per model; history rows and login bookkeeping are not demo data."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label not in ("sessions", "axes", "admin")
            and not model.__name__.startswith("Historical")}


def test_seed_demo_twice_gives_the_same_data(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    for path in hooks.DEMO_SEEDERS:
        assert path in out.getvalue()
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    second = _counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert not changed, f"seed_demo is not idempotent for: {changed}"
    from legal_crm.core.models import User

    for login in DEMO_LOGINS:
        assert User.objects.get(username=login).check_password("demo"), login
    response = client.post("/admin/login/", {"username": "admin", "password": "demo", "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
