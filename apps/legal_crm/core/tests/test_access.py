"""Access services (DESIGN.md "Permissions"): only administrators change access, every change is audited,
a personal setting grants or revokes and wins over the groups."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from legal_crm.core import access
from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog, PermissionOverride, User

pytestmark = pytest.mark.django_db


def perm(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ["operator", "office_head", "hr", "finance", "marketer"])
def test_non_administrators_change_nothing(role, make_staff, roles):
    actor = make_staff(role)
    target = make_staff("operator")
    group = roles["operator"]
    group_perms_before = set(group.permissions.all())
    calls = [
        lambda: access.user_groups_set(actor=actor, user=target, groups=[roles["admin"]]),
        lambda: access.permission_override_set(actor=actor, user=target, permission=perm("org.change_employee"),
                                               granted=True),
        lambda: access.permission_overrides_apply(actor=actor, user=target,
                                                  changes={perm("org.change_employee"): True}),
        lambda: access.group_permissions_set(actor=actor, group=group, permissions=[perm("org.change_employee")]),
    ]
    for call in calls:
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "access_denied"
        assert "администратор" in exc.value.message
    assert list(fresh(target).groups.all()) == [roles["operator"]]
    assert not PermissionOverride.objects.filter(user=target).exists()
    assert set(group.permissions.all()) == group_perms_before
    assert not AuditLog.objects.filter(action__startswith="access.").exists()
    assert not fresh(target).has_perm("org.change_employee")


def test_anonymous_and_inactive_administrators_are_refused(admin_user, make_staff):
    from django.contrib.auth.models import AnonymousUser

    target = make_staff("operator")
    with pytest.raises(DomainError):
        access.user_groups_set(actor=AnonymousUser(), user=target, groups=[])
    admin_user.is_active = False
    with pytest.raises(DomainError):
        access.user_groups_set(actor=admin_user, user=target, groups=[])
    assert fresh(target).groups.count() == 1


def test_personal_revoke_wins_over_group_grant(admin_user, make_staff):
    operator = make_staff("operator")
    assert operator.has_perm("directory.add_counterparty")
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("directory.add_counterparty"),
                                   granted=False)
    assert not operator.has_perm("directory.add_counterparty")  # the same object: caches were dropped
    assert not fresh(operator).has_perm("directory.add_counterparty")
    assert fresh(operator).has_perm("directory.view_counterparty")  # the rest of the group still applies


def test_personal_grant_works_without_group(admin_user, make_staff):
    operator = make_staff("operator")
    assert not operator.has_perm("org.view_employee")
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_employee"),
                                   granted=True)
    assert fresh(operator).has_perm("org.view_employee")
    # Removing the personal setting gives the decision back to the groups.
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_employee"),
                                   granted=None)
    assert not fresh(operator).has_perm("org.view_employee")


def test_group_change_is_audited_with_before_and_after(admin_user, make_staff, roles):
    operator = make_staff("operator")
    access.user_groups_set(actor=admin_user, user=operator, groups=[roles["operator"], roles["sales"]])
    row = audit_for(operator).get(action="access.groups")
    assert row.actor == admin_user
    assert row.before == [roles["operator"].name]
    assert row.after == sorted([roles["operator"].name, roles["sales"].name])
    assert fresh(operator).has_perm("directory.view_service")
    # The same set again changes nothing and writes nothing.
    access.user_groups_set(actor=admin_user, user=operator, groups=[roles["operator"], roles["sales"]])
    assert audit_for(operator).filter(action="access.groups").count() == 1


def test_override_change_is_audited_with_before_and_after(admin_user, make_staff):
    operator = make_staff("operator")
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_office"),
                                   granted=True)
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_office"),
                                   granted=False)
    rows = list(audit_for(operator).filter(action="access.overrides").order_by("id"))
    assert [(r.before, r.after) for r in rows] == [
        ({}, {"org.view_office": True}),
        ({"org.view_office": True}, {"org.view_office": False}),
    ]
    assert all(r.actor == admin_user for r in rows)


def test_group_permissions_change_is_in_every_members_history(admin_user, make_staff, roles):
    operator = make_staff("operator")
    group = roles["operator"]
    before = sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())
    access.group_permissions_set(actor=admin_user, group=group,
                                 permissions=[*group.permissions.all(), perm("org.view_office")])
    assert fresh(operator).has_perm("org.view_office")
    row = audit_for(operator).get(action="access.group_permissions")
    assert row.before == {group.name: before}
    assert "org.view_office" in row.after[group.name]
    assert audit_for(group).filter(action="access.group_permissions").exists()


def test_superuser_is_an_administrator(make_staff):
    root = make_staff("operator", superuser=True)
    assert access.is_administrator(root)
    assert not access.is_administrator(make_staff("hr"))


def test_employee_page_shows_the_access_history(client, admin_user, make_staff):
    operator = make_staff("operator")
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_office"),
                                   granted=True)
    client.force_login(admin_user)
    response = client.get(reverse("admin:org_employee_change", args=[operator.employee.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "История доступа" in html
    assert "access-history" in html
    assert "выдано право «Офисы: просмотр»" in html  # a sentence, not the raw {"org.view_office": true}
    assert "org.view_office" not in html


def test_administrator_changes_access_on_the_employee_page(client, admin_user, make_staff, roles):
    operator = make_staff("operator")
    employee = operator.employee
    client.force_login(admin_user)
    url = reverse("admin:org_employee_change", args=[employee.pk])
    response = client.post(url, {
        "position": "", "main_office": employee.main_office_id, "offices": [employee.main_office_id],
        "phone": "", "extension": "", "hired_on": "",
        "groups": [roles["sales"].pk],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    operator = fresh(operator)
    assert list(operator.groups.all()) == [roles["sales"]]
    actions = set(audit_for(operator).values_list("action", flat=True))
    assert "access.groups" in actions
    # Rights one by one are set on the access matrix page (test_access_matrix.py), not in raw lists here.


def test_non_administrator_does_not_see_or_change_access_on_the_employee_page(client, make_staff, roles):
    hr = make_staff("hr")
    operator = make_staff("operator")
    employee = operator.employee
    client.force_login(hr)
    url = reverse("admin:org_employee_change", args=[employee.pk])
    page = client.get(url).content.decode()
    assert 'name="groups"' not in page
    response = client.post(url, {
        "position": "", "main_office": employee.main_office_id, "offices": [employee.main_office_id],
        "phone": "", "extension": "", "hired_on": "", "groups": [roles["admin"].pk],
        "personal_grants": [perm("org.view_office").pk],
    })
    assert response.status_code == 302
    operator = fresh(operator)
    assert list(operator.groups.all()) == [roles["operator"]]
    assert not PermissionOverride.objects.filter(user=operator).exists()


def test_group_admin_is_read_only_for_non_administrators(client, make_staff, roles):
    hr = make_staff("hr")
    Group.objects.get(name=roles["hr"].name).permissions.add(perm("auth.view_group"), perm("auth.change_group"))
    client.force_login(hr)
    url = reverse("admin:auth_group_change", args=[roles["operator"].pk])
    before = set(roles["operator"].permissions.all())
    client.post(url, {"name": roles["operator"].name, "permissions": [perm("org.change_employee").pk]})
    assert set(roles["operator"].permissions.all()) == before


def test_access_changes_emit_an_event_after_commit(admin_user, make_staff, roles, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    from legal_crm import hooks
    from legal_crm.core.tests import handlers

    handlers.CALLS.clear()
    monkeypatch.setitem(hooks.DOC_EVENTS, "core.access_changed", ["legal_crm.core.tests.handlers.record"])
    operator = make_staff("operator")
    with django_capture_on_commit_callbacks(execute=True):
        access.user_groups_set(actor=admin_user, user=operator, groups=[roles["sales"]])
        access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_office"),
                                       granted=True)
        access.group_permissions_set(actor=admin_user, group=roles["sales"], permissions=[perm("org.view_office")])
    assert handlers.CALLS == [{"user_id": operator.pk}] * 3
    handlers.CALLS.clear()


def test_audit_log_list_with_rows(client, admin_user, make_staff):
    operator = make_staff("operator")
    access.permission_override_set(actor=admin_user, user=operator, permission=perm("org.view_office"),
                                   granted=True)
    client.force_login(admin_user)
    url = reverse("admin:core_auditlog_changelist")
    assert "access.overrides" in client.get(url).content.decode()
    assert "access.overrides" in client.get(url, {"action": "access.overrides"}).content.decode()
    assert client.get(reverse("admin:core_auditlog_change", args=[AuditLog.objects.first().pk])).status_code == 200
