"""Who gets new leads follows the effective permissions (issue 10, item 3): a personal revoke of «Получает новые
лиды» on the access matrix stops the leads, a personal grant starts them — as the permission backend says."""

import pytest
from django.contrib.auth.models import Permission

from legal_crm.core import access
from legal_crm.leads.services.distribution import lead_takers, operators_of

pytestmark = pytest.mark.django_db

TAKE_LEADS = "leads.take_leads"


def take_leads():
    return Permission.objects.get(content_type__app_label="leads", codename="take_leads")


def test_personal_settings_decide_who_takes_leads(admin_user, make_staff, office):
    kept = make_staff("operator")
    revoked = make_staff("operator")
    granted = make_staff("hr")
    assert set(operators_of(office.pk)) >= {kept.pk, revoked.pk}
    assert granted.pk not in operators_of(office.pk)

    access.permission_overrides_apply(actor=admin_user, user=revoked, changes={take_leads(): False})
    access.permission_overrides_apply(actor=admin_user, user=granted, changes={take_leads(): True})
    takers = operators_of(office.pk)
    assert kept.pk in takers and granted.pk in takers and revoked.pk not in takers
    for user in (kept, revoked, granted):  # the same answer as the permission backend's
        user = type(user).objects.get(pk=user.pk)
        assert user.has_perm(TAKE_LEADS) == (user.pk in takers)
    assert lead_takers().filter(pk=kept.pk).count() == 1  # one row per person, however many groups give it
