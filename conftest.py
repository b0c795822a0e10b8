"""Fixtures every module's tests may use: the shipped roles and staff of each role."""

import uuid

import pytest
from django.contrib.auth.models import Group

from legal_crm.core.access_sync import load_roles

ROLE_GROUPS = {spec["role"]: name for name, spec in load_roles().items()}


@pytest.fixture
def roles(db):
    """The shipped groups, synced from fixtures/groups.json (post_migrate already did it once)."""
    from legal_crm.core.access_sync import sync_groups

    sync_groups()
    return {role: Group.objects.get(name=name) for role, name in ROLE_GROUPS.items()}


@pytest.fixture
def office(db):
    from legal_crm.org.tests.factories import OfficeFactory

    return OfficeFactory(code="msk", name="Москва", time_zone="Europe/Moscow")


@pytest.fixture
def other_office(db):
    from legal_crm.org.tests.factories import OfficeFactory

    return OfficeFactory(code="nsk", name="Новосибирск", time_zone="Asia/Novosibirsk")


@pytest.fixture
def make_staff(roles, office):
    """make_staff("operator", offices=[...]) → a User of that role, employed in those offices."""
    from legal_crm.org.tests.factories import EmployeeFactory, UserFactory

    def make(role: str, *, offices=None, username: str | None = None, superuser: bool = False):
        offices = offices or [office]
        user = UserFactory(username=username or f"{role}-{uuid.uuid4().hex[:8]}",
                           groups=[roles[role]], is_superuser=superuser)
        EmployeeFactory(user=user, main_office=offices[0], offices=offices)
        return user

    return make


@pytest.fixture
def admin_user(make_staff):
    return make_staff("admin", username="root-admin")
