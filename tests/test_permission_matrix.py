"""Role × section matrix (DESIGN.md "Permissions"): what each shipped role sees in the sidebar, and which
desk lists it may open.

EXPECTED_SECTIONS is written out by hand on purpose: when a module adds screens or a role's permissions
change in fixtures/groups.json, this table changes in the same commit, so the change shows in review.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from legal_crm import navigation
from legal_crm.core.access_sync import load_roles, role_permissions

pytestmark = pytest.mark.django_db

MARKETING, SALES, EXECUTION, FINANCE = "Маркетинг", "Продажи", "Исполнение", "Финансы"
TELEPHONY, TASKS, REPORTS, DIRECTORIES, ADMINISTRATION = "Телефония", "Задачи", "Отчёты", "Справочники", \
    "Администрирование"

EXPECTED_SECTIONS = {
    "admin": {MARKETING, SALES, EXECUTION, FINANCE, TELEPHONY, TASKS, REPORTS, DIRECTORIES, ADMINISTRATION},
    "operator": {MARKETING, SALES, EXECUTION, TELEPHONY, TASKS, DIRECTORIES},  # execution: clients' reviews
    "sales": {MARKETING, SALES, EXECUTION, FINANCE, TELEPHONY, TASKS, DIRECTORIES, ADMINISTRATION},
    "lawyer": {EXECUTION, FINANCE, TASKS, DIRECTORIES, ADMINISTRATION},
    "office_head": {MARKETING, SALES, EXECUTION, FINANCE, TELEPHONY, TASKS, REPORTS, DIRECTORIES, ADMINISTRATION},
    "finance": {SALES, EXECUTION, FINANCE, TASKS, DIRECTORIES, ADMINISTRATION},  # sales: client referrals
    "hr": {TASKS, REPORTS, ADMINISTRATION},
    "marketer": {MARKETING, SALES, EXECUTION, TASKS, REPORTS, DIRECTORIES, ADMINISTRATION},  # reviews and NPS
}

ROLES = sorted({spec["role"] for spec in load_roles().values()})


def test_every_shipped_role_is_in_the_table():
    assert set(EXPECTED_SECTIONS) == set(ROLES)


def test_every_section_is_known():
    known = {MARKETING, SALES, EXECUTION, FINANCE, TELEPHONY, TASKS, REPORTS, DIRECTORIES, ADMINISTRATION}
    assert {str(title) for title, _icon, _entries in navigation.SECTIONS} <= known


def _role_permissions(role: str) -> set[str]:
    from django.contrib.auth.models import Permission

    available = {f"{p.content_type.app_label}.{p.codename}": p
                 for p in Permission.objects.select_related("content_type")}
    spec = next(s for s in load_roles().values() if s["role"] == role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in role_permissions(spec, available)}


@pytest.mark.parametrize("role", ROLES)
def test_sidebar_sections_of_each_role(role, make_staff):
    user = make_staff(role)
    sections = navigation.visible_sections(user)
    seen = {str(s["title"]) for s in sections}
    assert seen == EXPECTED_SECTIONS[role], (
        f"{role} sees {sorted(seen)}; update EXPECTED_SECTIONS if the change is intended")
    perms = _role_permissions(role)
    for section in sections:
        assert section["items"], section["title"]
        for item in section["items"]:
            if "model" in item:  # every link shown is a list the role may open
                app_label, model_name = item["model"].lower().split(".")
                assert f"{app_label}.view_{model_name}" in perms or f"{app_label}.change_{model_name}" in perms


def _registered():
    return sorted(admin.site._registry.items(), key=lambda kv: kv[0]._meta.label)


@pytest.mark.parametrize("role", ROLES)
def test_changelists_per_role(role, make_staff, client):
    """Every list of the desk: 200 when the role's groups give view (or change) permission, else 403."""
    client.force_login(make_staff(role))
    perms = _role_permissions(role)
    wrong = []
    for model, _model_admin in _registered():
        opts = model._meta
        may_view = f"{opts.app_label}.view_{opts.model_name}" in perms or \
            f"{opts.app_label}.change_{opts.model_name}" in perms
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        status = client.get(url).status_code
        if status != (200 if may_view else 403):
            wrong.append(f"{opts.label}: {status}, expected {200 if may_view else 403}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_every_desk_list_and_add_page_renders_for_the_administrator(make_staff, client, rf):
    """Smoke test of all desk pages, including those other modules register later."""
    user = make_staff("admin")
    client.force_login(user)
    request = rf.get("/admin/")
    request.user = user
    broken = []
    for model, model_admin in _registered():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        if response.status_code != 200:
            broken.append(f"{changelist}: {response.status_code}")
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        expected = 200 if model_admin.has_add_permission(request) else 403
        response = client.get(add, follow=True)  # an add page may hand over to another desk page
        if response.status_code != expected:
            broken.append(f"{add}: {response.status_code}, expected {expected}")
        elif response.redirect_chain and not response.redirect_chain[-1][0].startswith("/admin/"):
            broken.append(f"{add}: redirects out of the desk to {response.redirect_chain[-1][0]}")
    assert not broken, "; ".join(broken)


def test_home_page_and_custom_pages_render_for_every_role(make_staff, client):
    for role in ROLES:
        user = make_staff(role)
        client.force_login(user)
        assert client.get(reverse("admin:index")).status_code == 200, role
        for section in navigation.visible_sections(user):
            for item in section["items"]:
                if "page" in item:
                    assert client.get(item["link"]).status_code == 200, (role, item["link"])


def test_no_desk_list_uses_date_hierarchy():
    """date_hierarchy needs MariaDB's time zone tables (CONVERT_TZ); without them the list is a 500 in
    production and CI, while SQLite hides the problem. Use a date filter instead."""
    offenders = [model._meta.label for model, model_admin in _registered() if model_admin.date_hierarchy]
    assert not offenders, offenders
