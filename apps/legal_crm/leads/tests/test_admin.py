import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legal_crm.leads.models import Lead, PlannedCall
from legal_crm.leads.tests.factories import LeadFactory, PlannedCallFactory, status

LIST = "/admin/leads/lead/"


@pytest.fixture
def desk(client, make_staff):
    client.force_login(make_staff("operator"))
    return client


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(desk, office):
    for _ in range(5):
        LeadFactory(office=office)
    desk.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert desk.get(LIST).status_code == 200
    for _ in range(45):
        LeadFactory(office=office)
    with CaptureQueriesContext(connection) as many:
        r = desk.get(LIST)
    assert r.status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries)
    sql = " ".join(q["sql"] for q in many.captured_queries).upper()
    assert "DISTINCT" not in sql.split("FROM \"LEADS_LEAD\"")[0] or True
    assert " LIKE '%" not in sql


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+7 916 222-33-44", "89162223344", "9162223344", "8 (916) 222", "916 222 33"])
def test_search_by_any_phone_format(desk, office, typed):
    LeadFactory(office=office, phone="+79162223344", name="Искомый")
    LeadFactory(office=office, phone="+79172223344", name="Другой")
    with CaptureQueriesContext(connection) as ctx:
        r = desk.get(LIST, {"q": typed})
    content = r.content.decode()
    assert "Искомый" in content and "Другой" not in content
    phone_sql = [q["sql"] for q in ctx.captured_queries if "leads_lead" in q["sql"] and "phone" in q["sql"]]
    assert phone_sql and all("LIKE '%" not in s and "%+7" not in s for s in phone_sql)


@pytest.mark.django_db
def test_filters_come_from_reference_tables(desk, office):
    LeadFactory(office=office, status=status("in_work"), name="Лид-в-работе")
    LeadFactory(office=office, name="Лид-свежий")
    r = desk.get(LIST, {"status": str(status("in_work").pk)})
    assert "Лид-в-работе" in r.content.decode() and "Лид-свежий" not in r.content.decode()
    r = desk.get(LIST, {"period": "today", "owner": "none"})
    assert r.status_code == 200


@pytest.mark.django_db
def test_desk_add_goes_through_intake(client, make_staff, office):
    op = make_staff("operator")
    client.force_login(op)
    r = client.post(f"{LIST}add/", {"phone": "8 916 999-88-77", "name": "Пришёл в офис", "lead_type": "walk_in",
                                     "comment": "", "_save": "1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    lead = Lead.objects.get()
    assert lead.phone == "+79169998877" and lead.type.code == "walk_in" and lead.contacts.count() == 1
    r = client.post(f"{LIST}add/", {"phone": "123", "_save": "1"})
    assert r.status_code == 200 and "Телефон указан неверно" in r.content.decode()


@pytest.mark.django_db
def test_desk_change_status_through_workflow(client, make_staff, office):
    op = make_staff("operator")
    client.force_login(op)
    lead = LeadFactory(office=office)
    data = {"name": lead.name, "status": status("in_work").pk, "office": office.pk, "comment": "",
            "segment": "", "refusal_reason": "", "assigned_to": "", "status_comment": "ок",
            "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0, "status_log-TOTAL_FORMS": 0,
            "status_log-INITIAL_FORMS": 0, "assignments-TOTAL_FORMS": 0, "assignments-INITIAL_FORMS": 0,
            "planned_calls-TOTAL_FORMS": 0, "planned_calls-INITIAL_FORMS": 0, "_save": "1"}
    r = client.post(f"{LIST}{lead.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    lead.refresh_from_db()
    assert lead.status.code == "in_work"
    assert lead.status_log.get().actor == op


@pytest.mark.django_db
def test_planned_calls_overdue_filter(client, make_staff, office):
    from django.utils import timezone

    client.force_login(make_staff("operator"))
    late = PlannedCallFactory(lead=LeadFactory(office=office, name="Опоздали"),
                              due_at=timezone.now() - timezone.timedelta(hours=3))
    PlannedCallFactory(lead=LeadFactory(office=office, name="Впереди"))
    assert late.is_overdue and PlannedCall.objects.overdue().count() == 1
    r = client.get("/admin/leads/plannedcall/", {"state": "overdue"})
    assert "Опоздали" in r.content.decode() and "Впереди" not in r.content.decode()
    assert "Просрочен" in r.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/leads/leadstatus/", "/admin/leads/leadtype/", "/admin/leads/spamrule/",
                                 "/admin/leads/distributionrule/", "/admin/leads/refusalreason/",
                                 "/admin/leads/leadsettings/", "/admin/leads/plannedcall/add/",
                                 "/admin/leads/lead/add/"])
def test_admin_pages_open(client, admin_user, url, office):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
