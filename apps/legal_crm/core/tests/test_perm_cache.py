"""Effective permissions come from the shared cache and are recomputed after any access change."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm.core import access
from legal_crm.core.models import User


def _fresh(user):
    return User.objects.get(pk=user.pk)  # as a new request would load it


def test_second_request_reads_permissions_from_cache(make_staff):
    operator = make_staff("operator")
    assert _fresh(operator).has_perm("leads.add_lead")
    user = _fresh(operator)
    with CaptureQueriesContext(connection) as ctx:
        assert user.has_perm("leads.add_lead")
        assert not user.has_perm("core.change_permissionoverride")
    assert ctx.captured_queries == []


def test_group_change_is_seen_at_once(make_staff, roles):
    admin = make_staff("admin")
    operator = make_staff("operator")
    assert not _fresh(operator).has_perm("billing.add_payment")
    access.user_groups_set(actor=admin, user=operator, groups=[roles["operator"], roles["finance"]])
    assert _fresh(operator).has_perm("billing.add_payment")


def test_group_permissions_and_personal_override_are_seen_at_once(make_staff, roles):
    admin = make_staff("admin")
    operator = make_staff("operator")
    perm = Permission.objects.get(content_type__app_label="leads", codename="add_lead")
    assert _fresh(operator).has_perm("leads.add_lead")
    access.permission_override_set(actor=admin, user=operator, permission=perm, granted=False)
    assert not _fresh(operator).has_perm("leads.add_lead")
    access.permission_override_set(actor=admin, user=operator, permission=perm, granted=None)
    assert _fresh(operator).has_perm("leads.add_lead")
    group = roles["operator"]
    access.group_permissions_set(actor=admin, group=group,
                                 permissions=group.permissions.exclude(pk=perm.pk))
    assert not _fresh(operator).has_perm("leads.add_lead")


def test_a_user_reusing_a_deleted_users_id_gets_its_own_permissions(make_staff):
    operator = make_staff("operator")
    assert _fresh(operator).has_perm("leads.add_lead")
    pk = operator.pk
    operator.delete()
    newcomer = User.objects.create_user(pk=pk, username="newcomer", password="x")
    assert not _fresh(newcomer).has_perm("leads.add_lead")
