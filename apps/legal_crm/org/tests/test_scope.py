"""Office row scope (DESIGN.md "Permissions"): staff see their offices' rows; org.view_all_offices sees all."""

import pytest
from django.urls import reverse

from legal_crm.org import selectors
from legal_crm.org.models import StaffingPlan
from legal_crm.org.tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices(make_staff, office, other_office):
    here = make_staff("operator", offices=[office], username="here-operator")
    there = make_staff("operator", offices=[other_office], username="there-operator")
    both = make_staff("lawyer", offices=[office, other_office], username="both-lawyer")
    return here, there, both


def test_selectors_limit_to_own_offices(make_staff, office, other_office, two_offices):
    here, there, both = two_offices
    head = make_staff("office_head", offices=[office])
    assert selectors.office_ids_visible_to(head) == {office.pk}
    assert list(selectors.office_list_visible_to(head)) == [office]
    visible = set(selectors.employee_list_visible_to(head))
    assert {here.employee, both.employee, head.employee} <= visible
    assert there.employee not in visible
    # Each row once, even for an employee in several visible offices.
    ids = list(selectors.employee_list_visible_to(make_staff("office_head", offices=[office, other_office]))
               .values_list("pk", flat=True))
    assert len(ids) == len(set(ids))


def test_view_all_offices_sees_everything(make_staff, office, other_office, two_offices):
    finance = make_staff("finance", offices=[office])
    assert finance.has_perm("org.view_all_offices")
    assert selectors.office_ids_visible_to(finance) is None
    assert set(selectors.office_list_visible_to(finance)) == {office, other_office}
    assert {e.user.username for e in selectors.employee_list_visible_to(finance)} >= {
        "here-operator", "there-operator", "both-lawyer"}


def test_anonymous_sees_nothing(office):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.office_ids_visible_to(AnonymousUser()) == set()
    assert not selectors.office_list_visible_to(AnonymousUser()).exists()


def test_scope_to_offices_on_any_queryset(make_staff, office, other_office):
    position = PositionFactory()
    StaffingPlan.objects.create(office=office, position=position, headcount=2)
    StaffingPlan.objects.create(office=other_office, position=position, headcount=3)
    head = make_staff("office_head", offices=[office])
    assert [p.office for p in selectors.scope_to_offices(StaffingPlan.objects.all(), head)] == [office]


def test_changelists_hide_other_offices(client, make_staff, office, other_office, two_offices):
    head = make_staff("office_head", offices=[office])
    client.force_login(head)
    html = client.get(reverse("admin:org_employee_changelist")).content.decode()
    assert "here-operator" in html
    assert "both-lawyer" in html
    assert "there-operator" not in html
    html = client.get(reverse("admin:org_office_changelist")).content.decode()
    assert office.name in html
    assert other_office.name not in html  # neither as a row nor as a filter choice
    response = client.get(reverse("admin:org_office_change", args=[other_office.pk]))
    assert response.status_code in (302, 404)  # the admin treats a hidden row as missing
    response = client.get(reverse("admin:org_employee_change", args=[two_offices[1].employee.pk]))
    assert response.status_code in (302, 404)


def test_employee_changelist_filter_lists_only_visible_offices(client, make_staff, office, other_office,
                                                               two_offices):
    client.force_login(make_staff("office_head", offices=[office]))
    html = client.get(reverse("admin:org_employee_changelist")).content.decode()
    assert other_office.name not in html


def test_all_offices_role_sees_every_office_in_the_desk(client, make_staff, office, other_office, two_offices):
    client.force_login(make_staff("finance", offices=[office]))
    html = client.get(reverse("admin:org_office_changelist")).content.decode()
    assert office.name in html and other_office.name in html
    hr = make_staff("hr", offices=[office])
    client.force_login(hr)
    html = client.get(reverse("admin:org_employee_changelist")).content.decode()
    assert "there-operator" in html and "here-operator" in html


def test_employee_form_offers_only_visible_offices(client, make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    head = make_staff("office_head", offices=[office])
    head.groups.first().permissions.add(Permission.objects.get(codename="change_employee"))
    colleague = make_staff("operator", offices=[office])
    client.force_login(head)
    response = client.get(reverse("admin:org_employee_change", args=[colleague.employee.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert office.name in html
    assert other_office.name not in html


def test_saving_a_shared_employee_keeps_offices_the_editor_does_not_see(client, make_staff, office, other_office):
    from django.contrib.auth.models import Permission

    head = make_staff("office_head", offices=[office])
    head.groups.first().permissions.add(Permission.objects.get(codename="change_employee"))
    shared = make_staff("lawyer", offices=[office, other_office]).employee
    client.force_login(head)
    response = client.post(reverse("admin:org_employee_change", args=[shared.pk]), {
        "position": "", "main_office": office.pk, "offices": [office.pk], "phone": "", "extension": "101",
        "hired_on": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    shared.refresh_from_db()
    assert shared.extension == "101"
    assert set(shared.offices.all()) == {office, other_office}
