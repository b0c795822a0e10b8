"""core.auth_backends.users_with_perm: who holds a permission, by the backend's rule, in one query."""

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm.core import access
from legal_crm.core.auth_backends import users_with_perm


def test_groups_grant_and_a_personal_setting_wins_in_one_query(make_staff):
    admin, operator, lawyer = make_staff("admin"), make_staff("operator"), make_staff("lawyer")
    take = Permission.objects.get(content_type__app_label="leads", codename="add_lead")
    access.permission_override_set(actor=admin, user=lawyer, permission=take, granted=True)
    with CaptureQueriesContext(connection) as queries:
        holders = set(users_with_perm("leads.add_lead", superusers=False))
    assert len(queries.captured_queries) == 1  # the permission's key is looked up inside the one query
    assert operator in holders and lawyer in holders
    access.permission_override_set(actor=admin, user=operator, permission=take, granted=False)
    assert operator not in set(users_with_perm("leads.add_lead", superusers=False))


def test_a_permission_that_does_not_exist_is_held_by_superusers_only(make_staff, django_user_model):
    make_staff("operator")
    root = django_user_model.objects.create_superuser("root", "root@example.ru", "x")
    assert list(users_with_perm("leads.no_such_thing")) == [root]
    assert not users_with_perm("leads.no_such_thing", superusers=False).exists()
