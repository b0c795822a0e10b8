"""The desk's sidebar kept between pages (core/templatetags/desk_sidebar.py, navigation._sections) shows each user
their own links, marks the page they are on, and follows a change of permissions at once; the list of every
application (core/desk_site.py) is built only where a page reads it."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from legal_crm.core.models import PermissionOverride

NAV = re.compile(r'<nav id="nav-sidebar-inner".*?</nav>', re.S)


def _sidebar(client, url: str) -> str:
    nav = NAV.search(client.get(url).content.decode()).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", nav)  # the language form's token differs


@pytest.mark.django_db
def test_each_user_gets_their_own_sidebar_and_the_active_page(client, admin_user, operator):
    client.force_login(admin_user)
    admins = _sidebar(client, "/admin/leads/lead/")
    assert _sidebar(client, "/admin/leads/lead/") == admins  # kept: the same markup again
    assert "/admin/core/auditlog/" in admins
    client.force_login(operator)
    operators = _sidebar(client, "/admin/leads/lead/")
    assert "/admin/core/auditlog/" not in operators  # not the administrator's kept sidebar
    assert re.search(r'href="/admin/leads/lead/"[^>]*\bactive\b', operators)
    elsewhere = _sidebar(client, "/admin/leads/plannedcall/")
    assert not re.search(r'href="/admin/leads/lead/"[^>]*\bactive\b', elsewhere)
    assert re.search(r'href="/admin/leads/plannedcall/"[^>]*\bactive\b', elsewhere)


@pytest.mark.django_db
def test_a_permission_granted_shows_at_once(client, operator):
    client.force_login(operator)
    assert "/admin/core/auditlog/" not in _sidebar(client, "/admin/leads/lead/")
    PermissionOverride.objects.create(user=operator, granted=True, permission=Permission.objects.get(
        content_type__app_label="core", codename="view_auditlog"))
    assert "/admin/core/auditlog/" in _sidebar(client, "/admin/leads/lead/")


@pytest.mark.django_db
def test_the_list_of_every_application_is_built_where_read(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    apps = admin.site.get_app_list(request)
    assert [app["app_label"] for app in apps]  # the same list, built on first use
    assert "leads" in {app["app_label"] for app in apps}
