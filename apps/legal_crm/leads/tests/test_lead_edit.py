"""lead_edit: one edit of a lead — fields, then reassignment, then status — in one transaction, used by the API's
PATCH and the desk's change form alike."""

import pytest
from rest_framework.test import APIClient

from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.leads import services
from legal_crm.leads.models import AssignmentLog, Lead, LeadStatusLog, RefusalReason
from legal_crm.leads.tests.factories import LeadFactory, status


def _actions(lead):
    return list(AuditLog.objects.filter(object_id=str(lead.pk), action__startswith="leads.")
                .order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db
def test_fields_reassignment_and_status_applied_together_in_that_order(make_staff, office):
    head = make_staff("office_head")
    op1, op2 = make_staff("operator"), make_staff("operator")
    lead = LeadFactory(office=office, assigned_to=op1, name="Старое")
    lead = services.lead_edit(actor=head, lead=lead, changes={
        "name": "Новое", "assigned_to": op2, "status": "in_work", "status_comment": "дозвонился"})
    lead.refresh_from_db()
    assert (lead.name, lead.assigned_to, lead.status.code) == ("Новое", op2, "in_work")
    assert AssignmentLog.objects.get(lead=lead).previous_assigned_to == op1
    assert LeadStatusLog.objects.get(lead=lead).comment == "дозвонился"
    assert _actions(lead) == ["leads.update", "leads.reassign", "leads.status"]


@pytest.mark.django_db
def test_codes_are_resolved_like_objects(make_staff, office):
    head = make_staff("office_head")
    op = make_staff("operator")
    lead = LeadFactory(office=office)
    services.lead_edit(actor=head, lead=lead, changes={"office": office.code, "assigned_to": op.pk,
                                                       "status": "refusal_expensive", "refusal_reason": "price"})
    lead.refresh_from_db()
    assert lead.assigned_to == op and lead.status.code == "refusal_expensive"
    assert lead.refusal_reason == RefusalReason.objects.get(code="price")


@pytest.mark.django_db
def test_a_refused_status_rolls_back_the_fields_and_the_reassignment(make_staff, office):
    head = make_staff("office_head")
    op = make_staff("operator")
    lead = LeadFactory(office=office, name="Старое")
    with pytest.raises(DomainError) as err:
        services.lead_edit(actor=head, lead=lead, changes={"name": "Новое", "assigned_to": op,
                                                           "status": "refusal_expensive"})
    assert err.value.code == "reason_required"
    lead.refresh_from_db()
    assert (lead.name, lead.assigned_to, lead.status.code) == ("Старое", None, "new")
    assert not AssignmentLog.objects.filter(lead=lead).exists() and _actions(lead) == []


@pytest.mark.django_db
def test_a_refused_reassignment_rolls_back_the_fields_and_stops_the_status(make_staff, office, other_office):
    head = make_staff("office_head")
    stranger = make_staff("operator", offices=[other_office])
    lead = LeadFactory(office=office, name="Старое")
    with pytest.raises(DomainError) as err:
        services.lead_edit(actor=head, lead=lead, changes={"name": "Новое", "assigned_to": stranger,
                                                           "status": "in_work"})
    assert err.value.code == "operator_not_in_office"
    lead.refresh_from_db()
    assert (lead.name, lead.assigned_to, lead.status.code) == ("Старое", None, "new")
    assert not LeadStatusLog.objects.filter(lead=lead).exists() and _actions(lead) == []


@pytest.mark.django_db
def test_an_unknown_code_rolls_back_what_was_applied_before_it(make_staff, office):
    head = make_staff("office_head")
    lead = LeadFactory(office=office, name="Старое")
    with pytest.raises(DomainError) as err:
        services.lead_edit(actor=head, lead=lead, changes={"name": "Новое", "office": "nowhere"})
    assert err.value.code == "unknown_office" and "office" in err.value.fields
    lead.refresh_from_db()
    assert lead.name == "Старое" and _actions(lead) == []


@pytest.mark.django_db
def test_a_reason_or_comment_without_a_status_is_refused_before_anything_changes(make_staff, office):
    head = make_staff("office_head")
    lead = LeadFactory(office=office, name="Старое")
    with pytest.raises(DomainError) as err:
        services.lead_edit(actor=head, lead=lead, changes={"name": "Новое", "status_comment": "просто так"})
    assert err.value.code == "status_required" and "status_comment" in err.value.fields
    lead.refresh_from_db()
    assert lead.name == "Старое"


@pytest.mark.django_db
def test_values_the_lead_already_has_are_no_change(make_staff, office):
    head = make_staff("office_head")
    op = make_staff("operator")
    lead = LeadFactory(office=office, assigned_to=op, status=status("in_work"))
    services.lead_edit(actor=head, lead=lead, changes={"office": office, "assigned_to": op, "status": "in_work"})
    assert not AssignmentLog.objects.filter(lead=lead).exists()
    assert not LeadStatusLog.objects.filter(lead=lead).exists() and _actions(lead) == []


@pytest.mark.django_db
def test_the_edit_keeps_the_services_guards(make_staff, office, other_office):
    outsider = make_staff("office_head", offices=[other_office])
    lead = LeadFactory(office=office, name="Старое")
    with pytest.raises(DomainError):
        services.lead_edit(actor=outsider, lead=lead, changes={"name": "Новое"})
    lead.refresh_from_db()
    assert lead.name == "Старое"


def _spy(monkeypatch):
    calls = []
    real = services.lead_edit

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(services, "lead_edit", spy)
    return calls


@pytest.mark.django_db
def test_the_api_patch_goes_through_lead_edit(make_staff, office, monkeypatch):
    calls = _spy(monkeypatch)
    operator = make_staff("operator")
    lead = LeadFactory(office=office)
    api = APIClient()
    api.force_authenticate(operator)
    r = api.patch(f"/api/v1/leads/{lead.pk}/", {"name": "Новое", "status": "in_work"}, format="json")
    assert r.status_code == 200, r.content
    assert len(calls) == 1 and calls[0]["actor"] == operator and calls[0]["lead"].pk == lead.pk
    assert calls[0]["changes"] == {"name": "Новое", "status": "in_work"}


@pytest.mark.django_db
def test_the_desk_save_goes_through_lead_edit(client, make_staff, office, monkeypatch):
    from legal_crm.leads.tests.test_admin import _change_data

    calls = _spy(monkeypatch)
    head = make_staff("office_head")
    op = make_staff("operator")
    lead = LeadFactory(office=office, name="Старое")
    client.force_login(head)
    r = client.post(f"/admin/leads/lead/{lead.pk}/change/",
                    _change_data(lead, name="Новое", assigned_to=op.pk, status=status("in_work").pk))
    assert r.status_code == 302, r.content
    assert len(calls) == 1 and calls[0]["actor"] == head and calls[0]["lead"].pk == lead.pk
    lead.refresh_from_db()
    assert (lead.name, lead.assigned_to, lead.status.code) == ("Новое", op, "in_work")
    assert _actions(lead) == ["leads.update", "leads.reassign", "leads.status"]


@pytest.mark.django_db
def test_an_inactive_partner_is_refused_by_the_intake_service(partner_with_token, office):
    partner, _key = partner_with_token
    partner.is_active = False
    partner.save()
    with pytest.raises(DomainError) as err:
        services.lead_intake(actor=None, data=services.IntakeData(phone="+79161234567"), partner=partner)
    assert err.value.code == "partner_inactive"
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_emptying_the_operator_returns_the_lead_to_the_office_queue(make_staff, office):
    """The desk's form sends every field: an emptied operator takes the lead from them (logged like any move)."""
    head = make_staff("office_head")
    op = make_staff("operator")
    lead = LeadFactory(office=office, assigned_to=op, name="Старое")
    services.lead_edit(actor=head, lead=lead, changes={"name": "Новое", "office": office, "assigned_to": None})
    lead.refresh_from_db()
    assert lead.name == "Новое" and lead.assigned_to is None and lead.office == office
    move = AssignmentLog.objects.get(lead=lead)
    assert (move.previous_assigned_to, move.assigned_to_id) == (op, None)
    # An operator already empty stays so: nothing to refuse, nothing logged.
    services.lead_edit(actor=head, lead=lead, changes={"office": office, "assigned_to": None})
    assert AssignmentLog.objects.filter(lead=lead).count() == 1
