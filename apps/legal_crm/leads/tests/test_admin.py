import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from legal_crm.leads.forms import LeadChangeForm
from legal_crm.leads.models import Lead, PlannedCall, RefusalReason
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
def test_desk_add_runs_the_intake_on_its_own_and_opens_the_card(client, make_staff, office, monkeypatch):
    """The add form's intake runs outside admin's changeform transaction (the intake is durable: inside one it
    would refuse), so its events are relayed when it commits; the operator lands on the new lead's card, and a
    second add of the same number joins that lead."""
    from django.db import connection
    from django.urls import reverse

    from legal_crm.leads import services

    depth = []
    intake = services.lead_intake
    monkeypatch.setattr(services, "lead_intake", lambda **kw: depth.append(len(connection.atomic_blocks))
                        or intake(**kw))
    client.force_login(make_staff("operator"))
    baseline = len(connection.atomic_blocks)  # the test's own transaction
    post = {"phone": "8 916 999-88-71", "name": "Пришёл в офис", "lead_type": "walk_in", "comment": "", "_save": "1"}
    r = client.post(f"{LIST}add/", post)
    lead = Lead.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("leads_lead_card", args=[lead.pk])
    assert depth == [baseline]
    assert "Лид «Пришёл в офис +7 916 999-88-71» добавлен." in client.get(r["Location"]).content.decode()
    r = client.post(f"{LIST}add/", {**post, "_addanother": "1"}, follow=True)
    assert r.redirect_chain[-1][0] == reverse("admin:leads_lead_add")
    assert "Этот номер уже есть в работе" in r.content.decode()
    assert Lead.objects.get() == lead and lead.contacts.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("default", ["another_office", "none"])
def test_a_lead_added_in_the_desk_stays_where_its_maker_sees_it(client, make_staff, office, other_office, default):
    """Distribution alone would send this number to another office (or to none, every office being closed): the
    person adding it by hand would be refused the lead they just made (issue 10)."""
    from django.urls import reverse

    from legal_crm.leads.models import LeadSettings
    from legal_crm.leads.selectors import lead_is_visible_to

    LeadSettings.objects.filter(pk=1).update(default_office=office if default == "another_office" else None)
    op = make_staff("operator", offices=[other_office])
    client.force_login(op)
    r = client.post(f"{LIST}add/", {"phone": "8 916 999-88-70", "name": "Пришёл в офис", "lead_type": "walk_in",
                                     "comment": "", "_save": "1"})
    assert r.status_code == 302, r.content.decode()[:2000]
    lead = Lead.objects.get(phone="+79169998870")
    assert lead.office == other_office and lead_is_visible_to(op, lead)
    assert client.get(r["Location"], follow=True).status_code == 200
    assert client.get(reverse("leads_lead_card", args=[lead.pk])).status_code == 200


@pytest.mark.django_db
def test_desk_add_of_another_offices_person_says_nothing_of_their_lead(client, make_staff, office, other_office):
    theirs = LeadFactory(office=other_office, phone="+79225000093", name="Лебедева Ирина")
    client.force_login(make_staff("sales"))
    r = client.post(f"{LIST}add/", {"phone": "+7 922 500-00-93", "name": "проба", "comment": "", "_save": "1"},
                    follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "Лебедева" not in html and "другой офис" in html
    assert theirs.contacts.filter(is_duplicate=True).count() == 1  # the visit is recorded on their lead


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


def _change_data(lead, **overrides):
    data = {"name": lead.name, "status": lead.status_id, "office": lead.office_id or "", "comment": "",
            "segment": "", "refusal_reason": "", "assigned_to": lead.assigned_to_id or "", "status_comment": "",
            "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0, "status_log-TOTAL_FORMS": 0,
            "status_log-INITIAL_FORMS": 0, "assignments-TOTAL_FORMS": 0, "assignments-INITIAL_FORMS": 0,
            "planned_calls-TOTAL_FORMS": 0, "planned_calls-INITIAL_FORMS": 0, "_save": "1"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_change_form_offers_only_the_users_offices_and_their_lead_takers(client, make_staff, office, other_office):
    from legal_crm.org.tests.factories import OfficeFactory

    third = OfficeFactory(code="spb", name="Санкт-Петербург")
    head = make_staff("office_head", offices=[office, other_office])
    here = make_staff("operator", offices=[office])
    there = make_staff("operator", offices=[other_office])
    elsewhere = make_staff("operator", offices=[third])
    lawyer = make_staff("lawyer", offices=[office])  # works in the office but does not take leads
    lead = LeadFactory(office=office)
    client.force_login(head)
    form = client.get(f"{LIST}{lead.pk}/change/").context["adminform"].form
    assert set(form.fields["office"].queryset) == {office, other_office}
    takers = set(form.fields["assigned_to"].queryset)
    assert {here, there} <= takers and elsewhere not in takers and lawyer not in takers and head not in takers


@pytest.mark.django_db
def test_change_form_keeps_the_lead_s_current_office_and_owner_among_the_choices(client, make_staff, office,
                                                                                  other_office):
    owner = make_staff("operator", offices=[other_office])
    lead = LeadFactory(office=other_office, assigned_to=owner)
    form = type("Form", (LeadChangeForm,), {"user": make_staff("office_head", offices=[office])})(instance=lead)
    assert set(form.fields["office"].queryset) == {office, other_office}
    assert owner in set(form.fields["assigned_to"].queryset)


@pytest.mark.django_db
def test_a_refused_reassignment_shows_on_its_field_and_keeps_what_was_typed(client, make_staff, office,
                                                                            other_office):
    head = make_staff("office_head", offices=[office, other_office])
    there = make_staff("operator", offices=[other_office])
    lead = LeadFactory(office=office, name="Старое имя")
    client.force_login(head)
    r = client.post(f"{LIST}{lead.pk}/change/", _change_data(lead, name="Новое имя", assigned_to=there.pk,
                                                             status_comment="перезвонить"))
    assert r.status_code == 200
    form = r.context["adminform"].form
    assert form.errors["assigned_to"] == ["Сотрудник не работает в офисе «Москва». Сотрудник не из этого офиса."]
    assert form["name"].value() == "Новое имя" and form["status_comment"].value() == "перезвонить"
    html = r.content.decode()
    assert 'value="Новое имя"' in html and "Сотрудник не из этого офиса." in html
    lead.refresh_from_db()
    assert lead.name == "Старое имя" and lead.assigned_to is None  # the whole save was rolled back
    assert not lead.assignments.exists()


@pytest.mark.django_db
def test_the_status_comment_field_is_styled_and_labelled(client, make_staff, office):
    from unfold.widgets import UnfoldAdminTextInputWidget

    lead = LeadFactory(office=office)
    client.force_login(make_staff("operator"))
    r = client.get(f"{LIST}{lead.pk}/change/")
    field = r.context["adminform"].form.fields["status_comment"]
    assert isinstance(field.widget, UnfoldAdminTextInputWidget)
    assert str(field.label) == "Комментарий к смене статуса"
    html = r.content.decode()
    assert "Комментарий к смене статуса" in html and "комментарий к смене статуса" not in html


@pytest.mark.django_db
def test_the_history_page_shows_a_dash_for_a_missing_change_reason(client, make_staff, office):
    lead = LeadFactory(office=office)
    lead.name = "Переименован"
    lead._change_reason = "Звонок клиента"
    lead.save()
    assert [h.history_change_reason for h in lead.history.order_by("history_id")] == [None, "Звонок клиента"]
    client.force_login(make_staff("operator"))
    r = client.get(f"{LIST}{lead.pk}/history/")
    assert r.status_code == 200
    cells = re.findall(r'data-label="Причина изменения">\s*(.*?)\s*</td>', r.content.decode(), re.S)
    assert sorted(cells) == sorted(["—", "Звонок клиента"])


@pytest.mark.django_db
def test_utm_fields_have_readable_labels(client, make_staff, office):
    from legal_crm.leads.models import LeadContact

    expected = {"utm_source": "UTM: источник", "utm_medium": "UTM: канал", "utm_campaign": "UTM: кампания"}
    for model in (Lead, LeadContact):
        assert {name: str(model._meta.get_field(name).verbose_name) for name in expected} == expected
    lead = LeadFactory(office=office, utm_source="yandex")
    client.force_login(make_staff("operator"))
    html = client.get(f"{LIST}{lead.pk}/change/").content.decode()
    assert "UTM: источник" in html and "UTM: кампания" in html and "Utm_source" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("rows", "words"), [(0, "0 лидов"), (1, "1 лид"), (3, "3 лида"), (11, "11 лидов")])
def test_the_list_footer_counts_leads_in_proper_russian(desk, office, rows, words):
    for _ in range(rows):
        LeadFactory(office=office)
    html = desk.get(LIST).content.decode()
    footer = re.search(r'data-result-count="\d+">(.*?)</div>', html, re.S).group(1)
    assert " ".join(footer.split()) == words


@pytest.mark.django_db
def test_a_capped_count_says_there_are_more(desk, office, monkeypatch):
    monkeypatch.setattr("legal_crm.core.paginators.CAP", 3)
    for _ in range(5):
        LeadFactory(office=office)
    html = desk.get(LIST).content.decode()
    footer = re.search(r'data-result-count="\d+">(.*?)</div>', html, re.S).group(1)
    assert " ".join(footer.split()) == "3+ лида"


@pytest.mark.django_db
def test_other_lists_name_their_rows_before_the_count(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin/leads/leadtype/").content.decode()
    footer = " ".join(re.search(r'data-result-count="(\d+)">(.*?)</div>', html, re.S).group(2).split())
    assert re.fullmatch(r"Типы лидов: \d+", footer)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["Смирнова", "смирнова", "СМИРНОВА", "смирн"])
def test_name_search_ignores_case_in_cyrillic_and_keeps_its_query_shape(desk, office, typed):
    LeadFactory(office=office, phone="+79160000001", name="Смирнова Анна")
    LeadFactory(office=office, phone="+79160000002", name="Иванова Смирна")
    with CaptureQueriesContext(connection) as ctx:
        html = desk.get(LIST, {"q": typed}).content.decode()
    assert "Смирнова Анна" in html and "Иванова Смирна" not in html
    name_sql = [q["sql"] for q in ctx.captured_queries
                if re.search(r'["`]leads_lead["`]\.["`]name["`] LIKE', q["sql"])]  # SQLite or MariaDB quoting
    assert name_sql and all("LOWER(" not in s.upper() for s in name_sql)  # the indexed prefix LIKE, as before


@pytest.mark.django_db
def test_the_owner_filter_offers_the_lead_takers_of_my_offices(client, make_staff, office, other_office):
    from legal_crm.org.tests.factories import OfficeFactory

    head = make_staff("office_head", offices=[office, other_office])
    here = make_staff("operator", offices=[office])
    there = make_staff("operator", offices=[other_office])
    far = make_staff("operator", offices=[OfficeFactory(code="spb", name="Санкт-Петербург")])
    LeadFactory(office=office, assigned_to=here, name="Лид-здесь")
    LeadFactory(office=other_office, assigned_to=there, name="Лид-там")
    client.force_login(head)
    response = client.get(LIST)
    owner = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "owner")
    values = [value for value, _label in owner.lookup_choices]
    assert values[:2] == ["me", "none"]
    assert {str(here.pk), str(there.pk)} <= set(values) and str(far.pk) not in values
    assert str(head.pk) not in values  # "Мои" already stands for me
    html = client.get(LIST, {"owner": str(here.pk)}).content.decode()
    assert "Лид-здесь" in html and "Лид-там" not in html


@pytest.mark.django_db
def test_the_owner_filter_costs_the_same_queries_for_more_leads_and_takers(desk, make_staff, office):
    for _ in range(3):
        LeadFactory(office=office, assigned_to=make_staff("operator"))
    desk.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert desk.get(LIST).status_code == 200
    for _ in range(10):
        LeadFactory(office=office, assigned_to=make_staff("operator"))
    desk.get(LIST)  # new staff reset the cached permissions and reference data: read them again once
    with CaptureQueriesContext(connection) as many:
        assert desk.get(LIST).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_moving_a_planned_call_in_the_desk_goes_through_the_service(client, make_staff, office):
    from legal_crm.core.models import AuditLog

    operator = make_staff("operator")
    call = PlannedCallFactory(lead=LeadFactory(office=office), due_at=timezone.now() + timezone.timedelta(hours=1),
                              assignee=operator)
    client.force_login(operator)
    later = timezone.localtime(timezone.now() + timezone.timedelta(days=1))
    response = client.post(f"/admin/leads/plannedcall/{call.pk}/change/", {
        "lead": call.lead_id, "due_at_0": later.strftime("%d.%m.%Y"), "due_at_1": later.strftime("%H:%M:%S"),
        "assignee": operator.pk, "comment": "Перенесли по просьбе клиента"})
    assert response.status_code == 302, response.content.decode()[:3000]
    call.refresh_from_db()
    assert call.comment == "Перенесли по просьбе клиента"
    entry = AuditLog.objects.get(action="leads.call_updated", object_id=str(call.pk))
    assert entry.actor == operator and entry.after["comment"] == "Перенесли по просьбе клиента"


@pytest.mark.django_db
def test_a_done_call_cannot_be_moved_and_another_offices_call_is_refused(make_staff, office, other_office):
    from legal_crm.core.errors import DomainError
    from legal_crm.leads import services

    operator = make_staff("operator")
    done = PlannedCallFactory(lead=LeadFactory(office=office), done_at=timezone.now(), result="reached")
    theirs = PlannedCallFactory(lead=LeadFactory(office=other_office))
    for call in (done, theirs):
        with pytest.raises(DomainError):
            services.planned_call_update(actor=operator, call=call, due_at=timezone.now() + timezone.timedelta(hours=2),
                                         comment="x")


@pytest.mark.django_db
def test_a_reader_sees_the_lead_page_in_russian_without_the_status_comment_input(client, make_staff, office):
    """A marketer may view leads, not change them: the page showed the form-only «status_comment» under its code
    name «Status comment». Editors keep it under its Russian label."""
    lead = LeadFactory(office=office)
    marketer = make_staff("marketer", offices=[office])
    assert marketer.has_perm("leads.view_lead") and not marketer.has_perm("leads.change_lead")
    client.force_login(marketer)
    html = client.get(f"{LIST}{lead.pk}/change/").content.decode()
    assert "Status comment" not in html and "Status" not in re.sub(r"<[^>]+>", " ", html).split()
    client.force_login(make_staff("operator"))
    assert "Комментарий к смене статуса" in client.get(f"{LIST}{lead.pk}/change/").content.decode()


@pytest.mark.django_db
def test_the_status_list_says_what_each_status_means_in_words(client, admin_user, office):
    from legal_crm.leads.models import LeadStatus

    LeadStatus.objects.create(code="refusal_later", name="Отказ: позже", is_open=False, is_refusal=True,
                              needs_reason=True, reengage_after_days=30)
    client.force_login(admin_user)
    page = client.get("/admin/leads/leadstatus/", {"q": "refusal_later"}).content.decode()
    assert "отказ · нужна причина · в работу снова через 30 дн." in page
    assert "Конечный" not in page  # no column of ticks per flag: one «Свойства» column
    only_refusals = client.get("/admin/leads/leadstatus/", {"is_refusal__exact": "1"}).content.decode()
    assert "Отказ: позже" in only_refusals


@pytest.mark.django_db
def test_a_save_says_what_happened_first_in_any_gender(client, admin_user, office):
    """Django's Russian said «причина отказа “Дорого“ был успешно добавлен» (lower case first, a masculine verb);
    the project's catalog corrects the admin's save and delete messages."""
    client.force_login(admin_user)
    added = client.post("/admin/leads/refusalreason/add/", {"code": "expensive", "name": "Дорого", "order": 0,
                                                             "is_active": "on", "_continue": "1"}, follow=True)
    text = re.sub(r"<[^>]+>", "", added.content.decode())  # the record's name is a link to it
    assert "Добавлено: причина отказа «Дорого». Ниже можно продолжить правку." in text
    reason = RefusalReason.objects.get(code="expensive")
    changed = client.post(f"/admin/leads/refusalreason/{reason.pk}/change/",
                          {"code": "expensive", "name": "Дорого для клиента", "order": 0, "is_active": "on"},
                          follow=True)
    assert "Сохранено: причина отказа «Дорого для клиента»." in re.sub(r"<[^>]+>", "", changed.content.decode())


@pytest.mark.django_db
def test_the_add_form_labels_and_selects_look_like_the_rest_of_the_desk(client, make_staff, office):
    """«источник» and «тип» were lowercase, in plain browser selects with «---------»: capitalised labels and
    unfold's select with its empty label, as on every other desk form."""
    import re

    client.force_login(make_staff("operator"))
    html = client.get(f"{LIST}add/").content.decode()
    for name, label in (("source", "Источник"), ("lead_type", "Тип")):
        assert re.search(rf'<label[^>]*for="id_{name}"[^>]*>\s*{label}\b', html), name
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>', html).group(0)
        assert "border-base-200" in select, select  # unfold's styled select
    assert "---------" not in html
    assert re.search(r'value=""( selected)?>Выберите значение</option>', html)
    assert re.search(r'value=""( selected)?>По источнику</option>', html)
