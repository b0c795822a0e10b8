"""Distribution rules belong to their office (issue 10, item 15): an office head reads and edits only their
offices' rules, and the service refuses a rule that routes leads to an office outside the actor's scope. The
same for every desk form that pre-fills a lead from the URL or offers a choice of offices."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.leads import services
from legal_crm.leads.models import DistributionRule, PlannedCall
from legal_crm.leads.tests.factories import LeadFactory

LIST = "/admin/leads/distributionrule/"


@pytest.fixture
def rules(office, other_office):
    ours = DistributionRule.objects.create(name="Наши номера +7495", phone_prefix="+7495", office=office)
    theirs = DistributionRule.objects.create(name="Их номера +7383", phone_prefix="+7383", office=other_office)
    return ours, theirs


def _choices(page: str, name: str) -> set[str]:
    """The option values of the form's <select name=…>."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return set(re.findall(r'<option value="(\d+)"', select.group(1)))


def _grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="leads", codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


@pytest.mark.django_db
def test_office_head_sees_only_their_offices_rules(client, make_staff, rules):
    ours, theirs = rules
    # With every right on the rules but "all offices": another office's rule is still not found.
    client.force_login(_grant(make_staff("office_head"), "change_distributionrule", "delete_distributionrule"))
    html = client.get(LIST).content.decode()
    assert ours.name in html and theirs.name not in html
    assert client.get(f"{LIST}{ours.pk}/change/").status_code == 200
    for view in ("change", "history", "delete"):
        response = client.get(f"{LIST}{theirs.pk}/{view}/")
        assert response.status_code == 404, view
        assert theirs.name not in response.content.decode()


@pytest.mark.django_db
def test_service_refuses_a_rule_for_an_office_outside_the_scope(make_staff, office, other_office, rules):
    ours, theirs = rules
    head = _grant(make_staff("office_head"), "add_distributionrule", "change_distributionrule",
                  "delete_distributionrule")
    with pytest.raises(DomainError) as err:
        services.distribution_rule_save(actor=head, rule=DistributionRule(name="Чужие", phone_prefix="+7383",
                                                                          office=other_office))
    assert err.value.code == "access_denied"
    ours.office = other_office  # nor move their own rule to send leads elsewhere
    with pytest.raises(DomainError):
        services.distribution_rule_save(actor=head, rule=ours)
    with pytest.raises(DomainError):
        services.distribution_rule_save(actor=head, rule=theirs)
    with pytest.raises(DomainError):
        services.distribution_rule_delete(actor=head, rule=theirs)
    assert DistributionRule.objects.filter(office=office).count() == 1
    assert DistributionRule.objects.filter(pk=theirs.pk).exists()
    rule = services.distribution_rule_save(actor=head, rule=DistributionRule(name="Наши +7499",
                                                                             phone_prefix="8 499", office=office))
    assert rule.pk and rule.phone_prefix == "+7499"
    assert AuditLog.objects.filter(action="leads.distribution_rule_create").exists()


@pytest.mark.django_db
def test_desk_form_offers_only_the_heads_offices(client, make_staff, office, other_office, rules):
    head = _grant(make_staff("office_head"), "add_distributionrule")
    client.force_login(head)
    page = client.get(f"{LIST}add/").content.decode()
    assert _choices(page, "office") == {str(office.pk)}
    response = client.post(f"{LIST}add/", {"name": "Чужие", "priority": "1", "phone_prefix": "+7383",
                                           "office": str(other_office.pk), "is_active": "on"})
    assert response.status_code == 200
    assert not DistributionRule.objects.filter(name="Чужие").exists()


@pytest.mark.django_db
def test_planned_call_add_form_does_not_prefill_another_offices_lead(client, make_staff, office, other_office):
    theirs = LeadFactory(office=other_office, name="Чужой Лид")
    ours = LeadFactory(office=office, name="Свой Лид")
    client.force_login(make_staff("operator"))
    url = reverse("admin:leads_plannedcall_add")
    assert client.get(f"{url}?lead={ours.pk}").status_code == 200
    response = client.get(f"{url}?lead={theirs.pk}")
    assert response.status_code == 404 and "Чужой Лид" not in response.content.decode()
    # Typed into the raw-id field: refused, and the form shown again does not name the lead.
    response = client.post(url, {"lead": str(theirs.pk), "due_at_0": "10.12.2026", "due_at_1": "10:00",
                                 "comment": ""})
    assert response.status_code == 200 and "Чужой Лид" not in response.content.decode()
    assert not PlannedCall.objects.filter(lead=theirs).exists()


@pytest.mark.django_db
def test_lead_form_offers_only_the_users_offices(client, make_staff, office, other_office):
    lead = LeadFactory(office=office)
    client.force_login(make_staff("office_head"))
    page = client.get(f"/admin/leads/lead/{lead.pk}/change/").content.decode()
    assert _choices(page, "office") == {str(office.pk)}
