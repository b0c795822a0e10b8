"""A refused person who applies again within the dedup window re-opens their lead (issue 10, item 13):
initial status, distributed again by the office's load, logged on the card, leads.lead_reopened emitted.
Spam stays spam, a client's lead only gets the contact."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from legal_crm import hooks
from legal_crm.core.models import AuditLog
from legal_crm.leads import services
from legal_crm.leads.models import AssignmentLog, Lead, LeadSettings, LeadStatusLog, RefusalReason
from legal_crm.leads.services import intake as intake_module
from legal_crm.leads.tests.factories import AdSourceFactory, LeadFactory, status

PHONE = "+79165550011"
REOPENED = "Повторное обращение: лид открыт заново"


@pytest.fixture
def events(monkeypatch):
    seen = []
    real = intake_module.emit

    def record(event, **payload):
        seen.append((event, payload))
        real(event, **payload)

    monkeypatch.setattr(intake_module, "emit", record)
    return seen


@pytest.fixture
def refused(office, make_staff):
    old_operator = make_staff("operator")
    lead = LeadFactory(phone=PHONE, office=office, assigned_to=old_operator, status=status("refusal_expensive"),
                       refusal_reason=RefusalReason.objects.get(code="price"),
                       last_contact_at=timezone.now() - timezone.timedelta(hours=2))
    return lead


@pytest.mark.django_db
def test_refused_lead_applying_again_is_reopened_distributed_logged_and_announced(refused, office, make_staff,
                                                                                events):
    AdSourceFactory(code="site-bfl", name="Сайт БФЛ", channel="site")
    old_operator = refused.assigned_to
    # The old operator is busy; a free one in the same office takes the re-opened lead by the usual load.
    for _ in range(3):
        LeadFactory(office=office, assigned_to=old_operator, status=status("in_work"))
    free = make_staff("operator")
    lead, created = services.lead_intake(actor=None, data=services.IntakeData(phone="8 916 555-00-11",
                                                                              source="site-bfl"))
    assert created is False and lead.pk == refused.pk
    lead.refresh_from_db()
    assert lead.status.code == "new" and lead.refusal_reason is None
    assert lead.office == office and lead.assigned_to == free
    log = LeadStatusLog.objects.filter(lead=lead).latest("id")
    assert (log.from_status.code, log.to_status.code) == ("refusal_expensive", "new")
    assert REOPENED in log.comment and "Сайт БФЛ" in log.comment
    assignment = AssignmentLog.objects.filter(lead=lead).latest("id")
    assert assignment.reason == AssignmentLog.Reason.REOPEN and assignment.assigned_to == free
    assert assignment.previous_assigned_to == old_operator
    reopened = [p for e, p in events if e == "leads.lead_reopened"]
    assert reopened == [{"lead_id": lead.pk, "from_status": "refusal_expensive", "to_status": "new",
                         "source": "site-bfl", "partner_id": None, "office_id": office.pk,
                         "assigned_to_id": free.pk}]
    assert "leads.lead_reopened" in hooks.DOC_EVENTS
    assert AuditLog.objects.filter(action="leads.reopen").exists()


@pytest.mark.django_db
def test_reopened_lead_shows_it_on_its_card(client, refused, make_staff):
    services.lead_intake(actor=None, data=services.IntakeData(phone=PHONE, comment="снова звоню"))
    client.force_login(make_staff("operator"))
    html = client.get(reverse("leads_lead_card", args=[refused.pk])).content.decode()
    assert REOPENED in html and "Новый" in html


@pytest.mark.django_db
def test_reopened_by_the_same_operator_still_logs_the_distribution(refused):
    lead, _created = services.lead_intake(actor=None, data=services.IntakeData(phone=PHONE))
    lead.refresh_from_db()
    assert lead.assigned_to == refused.assigned_to  # the only operator of the office
    assert AssignmentLog.objects.filter(lead=lead, reason=AssignmentLog.Reason.REOPEN).count() == 1


@pytest.mark.django_db
def test_refused_outside_the_window_makes_a_new_lead_and_stays_refused(refused):
    settings_row = LeadSettings.load()
    settings_row.dedup_window_hours = 1
    settings_row.save()
    Lead.objects.filter(pk=refused.pk).update(created_at=timezone.now() - timezone.timedelta(hours=5),
                                              last_contact_at=timezone.now() - timezone.timedelta(hours=5))
    lead, created = services.lead_intake(actor=None, data=services.IntakeData(phone=PHONE))
    assert created is True and lead.pk != refused.pk
    refused.refresh_from_db()
    assert refused.status.code == "refusal_expensive"


@pytest.mark.django_db
def test_spam_stays_spam(office, events):
    spam = LeadFactory(phone=PHONE, office=office, status=status("spam"), is_spam=True)
    lead, created = services.lead_intake(actor=None, data=services.IntakeData(phone=PHONE))
    assert created is False and lead.pk == spam.pk
    spam.refresh_from_db()
    assert spam.status.code == "spam" and spam.is_spam
    assert spam.contacts.filter(is_duplicate=True).count() == 1
    assert not [e for e, _p in events if e == "leads.lead_reopened"]


@pytest.mark.django_db
def test_client_lead_only_gets_the_contact(office, events):
    from legal_crm.directory.tests.factories import CounterpartyFactory

    client_lead = LeadFactory(phone=PHONE, office=office, status=status("converted"),
                              client=CounterpartyFactory())
    _lead, created = services.lead_intake(actor=None, data=services.IntakeData(phone=PHONE, comment="вопрос"))
    assert created is False
    client_lead.refresh_from_db()
    assert client_lead.status.code == "converted"
    assert client_lead.contacts.filter(is_duplicate=True, comment="вопрос").count() == 1
    assert not [e for e, _p in events if e == "leads.lead_reopened"]


@pytest.mark.django_db
def test_api_reapplication_reopens(refused, site_user):
    api = APIClient()
    api.force_authenticate(site_user)
    r = api.post("/api/v1/leads/", {"phone": PHONE, "comment": "передумал"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["id"] == refused.pk and r.json()["status"] == "new"
    log = LeadStatusLog.objects.filter(lead=refused).latest("id")
    assert REOPENED in log.comment and log.actor == site_user


@pytest.mark.django_db
def test_desk_manual_creation_reopens_and_says_so(client, refused, make_staff):
    client.force_login(make_staff("operator"))
    r = client.post("/admin/leads/lead/add/", {"phone": "+7 916 555-00-11", "name": "Пришёл снова", "comment": "",
                                              "_save": "1"}, follow=True)
    assert r.status_code == 200
    assert "лид открыт заново" in r.content.decode()
    refused.refresh_from_db()
    assert refused.status.code == "new" and Lead.objects.count() == 1
