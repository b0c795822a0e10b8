"""The shipped roles are synced idempotently from fixtures/groups.json; the desk is Russian unless the user
switches."""

import pytest
from django.contrib.auth.models import Group, Permission

from legal_crm.core.access_sync import expand, load_roles, sync_groups

pytestmark = pytest.mark.django_db


def test_sync_groups_is_idempotent_and_leaves_other_groups_alone():
    custom = Group.objects.create(name="Стажёры")
    custom.permissions.add(Permission.objects.get(codename="view_counterparty"))
    first = sync_groups()
    snapshot = {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()}
    assert sync_groups() == first
    assert {g.name: set(g.permissions.values_list("pk", flat=True)) for g in Group.objects.all()} == snapshot
    assert list(custom.permissions.values_list("codename", flat=True)) == ["view_counterparty"]
    assert set(first) == set(load_roles())


def test_sync_groups_restores_a_shipped_groups_permissions(roles):
    operators = roles["operator"]
    operators.permissions.clear()
    sync_groups()
    assert operators.permissions.filter(codename="view_counterparty").exists()


def test_patterns_expand_with_wildcards():
    available = {f"{p.content_type.app_label}.{p.codename}": p
                 for p in Permission.objects.select_related("content_type")}
    chosen = {f"{p.content_type.app_label}.{p.codename}" for p in expand(["directory.view_*"], available)}
    assert "directory.view_counterparty" in chosen
    assert all(label.startswith("directory.view_") for label in chosen)
    assert len(expand(["*"], available)) == len(available)


def test_every_role_has_a_distinct_name_and_only_known_permissions():
    roles = load_roles()
    assert len({spec["role"] for spec in roles.values()}) == len(roles)
    available = {f"{p.content_type.app_label}.{p.codename}": p
                 for p in Permission.objects.select_related("content_type")}
    for name, spec in roles.items():
        for pattern in spec["permissions"]:
            assert expand([pattern], available), f"{name}: {pattern} matches no permission"


def test_russian_by_default_even_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "ru"
    assert "Пароль" in response.content.decode()


def test_english_when_the_user_switched(client):
    client.cookies["django_language"] = "en"
    response = client.get("/admin/login/")
    assert response["Content-Language"] == "en"
