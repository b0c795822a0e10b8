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


def test_administrators_hold_every_right_but_take_no_new_leads(admin_user, make_staff, office):
    """The administrators' role is every right ("*") except the duty of taking new leads (fixtures/groups.json,
    `except`): the distribution never hands a lead to somebody who does not call. A personal grant makes an
    administrator a taker, as anybody."""
    from legal_crm.leads.services.distribution import choose_operator

    superuser = make_staff("admin", superuser=True)
    operator = make_staff("operator")
    admin_user = type(admin_user).objects.get(pk=admin_user.pk)
    assert admin_user.has_perm("leads.reassign_lead") and admin_user.has_perm("contracts.add_contract")
    assert not admin_user.has_perm(TAKE_LEADS)
    assert operators_of(office.pk) == [operator.pk]
    assert not lead_takers().filter(pk__in=[admin_user.pk, superuser.pk]).exists()
    assert choose_operator(office.pk) == operator.pk

    access.permission_overrides_apply(actor=superuser, user=admin_user, changes={take_leads(): True})
    assert set(operators_of(office.pk)) == {operator.pk, admin_user.pk}


def test_the_desk_choices_of_takers_follow_the_same_rule(admin_user, make_staff, office, other_office):
    """lead_taker_ids (the operator filter's and the lead form's choices; its statement compiled once per process)
    names the lead_takers() of the offices asked for, whoever the grants came from, and follows a change at once."""
    from legal_crm.leads.services.distribution import lead_taker_ids

    here, there = make_staff("operator"), make_staff("operator", offices=[other_office])
    both, lawyer = make_staff("sales", offices=[office, other_office]), make_staff("lawyer")
    assert lead_taker_ids() == set(lead_takers().values_list("pk", flat=True)) == {here.pk, there.pk, both.pk}
    assert lead_taker_ids({office.pk}) == {here.pk, both.pk}
    assert lead_taker_ids({office.pk}, also=[there.pk, lawyer.pk]) == {here.pk, both.pk, there.pk}
    assert lead_taker_ids(set()) == set()
    access.permission_overrides_apply(actor=admin_user, user=here, changes={take_leads(): False})
    access.permission_overrides_apply(actor=admin_user, user=lawyer, changes={take_leads(): True})
    assert lead_taker_ids({office.pk}) == {both.pk, lawyer.pk}
