"""Who sees which leads: per role, per office, in the selectors, the API and the desk."""

import pytest
from rest_framework.test import APIClient

from legal_crm.leads import selectors
from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory


@pytest.fixture
def two_leads(office, other_office):
    return LeadFactory(office=office, phone="+79161110001"), LeadFactory(office=other_office, phone="+79161110002")


@pytest.mark.django_db
@pytest.mark.parametrize("role,sees_own,sees_other", [
    ("operator", True, False), ("sales", True, False), ("office_head", True, False),
    ("admin", True, True), ("marketer", True, True), ("lawyer", False, False), ("hr", False, False),
])
def test_lead_scope_per_role(make_staff, two_leads, role, sees_own, sees_other):
    user = make_staff(role)
    visible = set(selectors.lead_list_visible_to(user).values_list("pk", flat=True))
    assert (two_leads[0].pk in visible) == sees_own
    assert (two_leads[1].pk in visible) == sees_other


@pytest.mark.django_db
def test_api_list_and_detail_respect_scope(make_staff, two_leads):
    client = APIClient()
    client.force_authenticate(make_staff("operator"))
    r = client.get("/api/v1/leads/")
    assert [row["id"] for row in r.json()["results"]] == [two_leads[0].pk]
    assert client.get(f"/api/v1/leads/{two_leads[1].pk}/").status_code == 404
    assert client.get(f"/api/v1/leads/{two_leads[0].pk}/").status_code == 200


@pytest.mark.django_db
def test_desk_list_respects_scope(client, make_staff, two_leads):
    client.force_login(make_staff("operator"))
    r = client.get("/admin/leads/lead/")
    assert r.status_code == 200
    assert b"+7 916 111-00-01" in r.content and b"+7 916 111-00-02" not in r.content
    assert client.get(f"/admin/leads/lead/{two_leads[1].pk}/change/").status_code in (302, 404)


@pytest.mark.django_db
def test_planned_calls_scope(make_staff, two_leads):
    mine = PlannedCallFactory(lead=two_leads[0])
    PlannedCallFactory(lead=two_leads[1])
    operator = make_staff("operator")
    assert list(selectors.planned_calls_visible_to(operator)) == [mine]
    assert not selectors.planned_calls_visible_to(make_staff("hr")).exists()


@pytest.mark.django_db
def test_desk_history_pages_respect_scope(client, make_staff, two_leads):
    """simple-history reads a record's history by id alone; the desk admits only records the user may see."""
    own, other = two_leads
    for lead in two_leads:
        lead.name = "Изменено"
        lead.save()
    client.force_login(make_staff("operator"))
    assert client.get(f"/admin/leads/lead/{own.pk}/history/").status_code == 200
    r = client.get(f"/admin/leads/lead/{other.pk}/history/")
    assert r.status_code == 404 and other.phone not in r.content.decode()
    version = other.history.latest().history_id
    assert client.get(f"/admin/leads/lead/{other.pk}/history/{version}/").status_code == 404


@pytest.mark.django_db
def test_client_cards_are_seen_by_the_offices_the_person_deals_with(client, make_staff, office, other_office):
    from legal_crm.directory.models import Counterparty
    from legal_crm.directory.selectors import counterparty_list_visible_to
    from legal_crm.directory.tests.factories import CounterpartyFactory

    ours = CounterpartyFactory(name="Наш клиент", phone="+79161110101", passport_number="111111")
    theirs = CounterpartyFactory(name="Чужой клиент", phone="+79161110102", passport_number="222222")
    fresh = CounterpartyFactory(name="Новый клиент", phone="+79161110103")
    court = CounterpartyFactory(name="Арбитражный суд", role=Counterparty.Role.COURT)
    LeadFactory(office=office, client=ours)
    LeadFactory(office=other_office, client=theirs)
    operator = make_staff("sales")
    assert set(counterparty_list_visible_to(operator)) == {ours, fresh, court}
    assert theirs in counterparty_list_visible_to(make_staff("admin"))
    client.force_login(operator)
    listing = client.get("/admin/directory/counterparty/").content.decode()
    assert "Наш клиент" in listing and "Чужой клиент" not in listing
    assert client.get(f"/admin/directory/counterparty/{theirs.pk}/change/").status_code == 404  # "no such record"
    export = client.post("/admin/directory/counterparty/export/", {"format": "0", "resource": ""})
    assert export.status_code == 200 and "Наш клиент" in export.content.decode()
    assert export.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    assert "Чужой клиент" not in export.content.decode() and "222222" not in export.content.decode()


@pytest.mark.django_db
def test_a_past_version_is_shown_never_saved_back(client, make_staff, two_leads):
    """simple-history saved a posted past version after checking only the view right, through the generic form
    and past the services: the desk shows a past version read-only and refuses a post, whoever posts it."""
    own = two_leads[0]
    own.name = "Было"
    own.save()
    version = own.history.latest().history_id
    own.name = "Стало"
    own.save()
    for role in ("operator", "admin"):
        client.force_login(make_staff(role))
        page = client.get(f"/admin/leads/lead/{own.pk}/history/{version}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Было" in html and 'name="name"' not in html and "<select" not in html
        posted = client.post(f"/admin/leads/lead/{own.pk}/history/{version}/",
                             {"name": "Взлом", "phone": own.phone})
        assert posted.status_code == 403
        own.refresh_from_db()
        assert own.name == "Стало"
