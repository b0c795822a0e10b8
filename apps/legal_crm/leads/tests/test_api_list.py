import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from legal_crm.leads.models import LeadStatusLog
from legal_crm.leads.tests.factories import AdSourceFactory, LeadFactory, lead_type, status

URL = "/api/v1/leads/"


@pytest.fixture
def api(make_staff):
    client = APIClient()
    client.user = make_staff("operator")
    client.force_authenticate(client.user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+7 916 555-44-33", "89165554433", "9165554433", "8 916 555", "916555"])
def test_filter_by_phone_any_format(api, office, typed):
    target = LeadFactory(office=office, phone="+79165554433")
    LeadFactory(office=office, phone="+79175554433")
    r = api.get(URL, {"phone": typed})
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["results"]] == [target.pk]


@pytest.mark.django_db
def test_filters_status_type_source_office_period(api, office):
    src = AdSourceFactory(code="vk")
    a = LeadFactory(office=office, status=status("in_work"), type=lead_type("social"), source=src)
    b = LeadFactory(office=office)
    b.created_at = timezone.now() - timezone.timedelta(days=40)
    b.save(update_fields=["created_at"])
    ids = lambda params: [row["id"] for row in api.get(URL, params).json()["results"]]  # noqa: E731
    assert ids({"status": "in_work"}) == [a.pk]
    assert ids({"type": "social"}) == [a.pk]
    assert ids({"source": "vk"}) == [a.pk]
    assert set(ids({"office": office.code})) == {a.pk, b.pk}
    since = (timezone.localdate() - timezone.timedelta(days=7)).isoformat()
    assert ids({"date_from": since}) == [a.pk]
    r = api.get(URL, {"date_from": "2026-02-30"})
    assert r.status_code == 400 and r.json()["field_codes"]["date_from"] == "invalid"
    r = api.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert r.status_code == 400


@pytest.mark.django_db
def test_list_has_no_full_count_and_constant_queries(api, office, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(60):
        LeadFactory(office=office)
    api.get(URL, {"limit": 1})  # warms the reference-data cache
    with CaptureQueriesContext(connection) as small:
        api.get(URL, {"limit": 5})
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = api.get(URL, {"limit": 50})
    body = r.json()
    assert len(body["results"]) == 50 and body["count"] is None and body["next"]
    last = api.get(URL, {"limit": 50, "offset": 50}).json()
    assert last["count"] == 60 and last["next"] is None


@pytest.mark.django_db
def test_patch_status_and_fields(api, office):
    lead = LeadFactory(office=office)
    r = api.patch(f"{URL}{lead.pk}/", {"status": "in_work", "name": "Новое имя", "status_comment": "дозвонился"},
                  format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "in_work" and r.json()["name"] == "Новое имя"
    assert LeadStatusLog.objects.get(lead=lead).comment == "дозвонился"


@pytest.mark.django_db
def test_patch_bad_move_changes_nothing(api, office):
    lead = LeadFactory(office=office, name="Старое")
    r = api.patch(f"{URL}{lead.pk}/", {"name": "Новое", "status": "refusal_expensive"}, format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "reason_required" and "refusal_reason" in r.json()["fields"]
    lead.refresh_from_db()
    assert lead.name == "Старое" and lead.status.code == "new"  # all or nothing
    r = api.patch(f"{URL}{lead.pk}/", {"status": "nonexistent"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "unknown_status"


@pytest.mark.django_db
def test_patch_sets_values_and_keeps_the_workflow_rules(api, office):
    lead = LeadFactory(office=office, status=status("in_work"))
    r = api.patch(f"{URL}{lead.pk}/", {"status": "in_work", "office": office.code, "name": "Имя"}, format="json")
    assert r.status_code == 200, r.content  # values it already has are no error
    assert r.json()["name"] == "Имя" and not LeadStatusLog.objects.filter(lead=lead).exists()
    r = api.patch(f"{URL}{lead.pk}/", {"status": "converted"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "conversion_required"
    spam = LeadFactory(office=office, status=status("spam"), is_spam=True)
    r = api.patch(f"{URL}{spam.pk}/", {"status": "new"}, format="json")  # an operator may not restore spam
    assert r.status_code == 403 and r.json()["code"] == "access_denied"
    spam.refresh_from_db()
    assert spam.is_spam and spam.status.code == "spam"


@pytest.mark.django_db
def test_patch_refused_for_partner_and_other_office(partner_with_token, make_staff, other_office, office):
    partner, key = partner_with_token
    own = LeadFactory(office=office, partner=partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    assert client.patch(f"{URL}{own.pk}/", {"name": "x"}, format="json").status_code == 403
    foreign = LeadFactory(office=other_office)
    op = APIClient()
    op.force_authenticate(make_staff("operator"))
    assert op.patch(f"{URL}{foreign.pk}/", {"name": "x"}, format="json").status_code == 404


@pytest.mark.django_db
def test_patch_with_too_deeply_nested_json_is_a_parse_error(api, office):
    lead = LeadFactory(office=office, name="Старое")
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = api.patch(f"{URL}{lead.pk}/", data=body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "parse_error"
    lead.refresh_from_db()
    assert lead.name == "Старое"


@pytest.mark.django_db
@pytest.mark.parametrize("params,field", [
    ({"date_to": "9999-12-31"}, "date_to"),
    ({"date_from": "0001-01-01"}, "date_from"),
    ({"date_from": "1899-12-31", "date_to": "2026-01-01"}, "date_from"),
    ({"date_to": "2101-01-01"}, "date_to"),
])
def test_period_outside_the_supported_years_is_400(api, office, params, field):
    LeadFactory(office=office)
    r = api.get(URL, params)
    assert r.status_code == 400
    body = r.json()
    assert body["field_codes"] == {field: "date_out_of_range"}
    assert body["fields"][field] == "Дата должна быть между 01.01.1900 и 31.12.2100."


@pytest.mark.django_db
def test_period_at_the_edges_of_the_supported_years(api, office):
    lead = LeadFactory(office=office)
    r = api.get(URL, {"date_from": "1900-01-01", "date_to": "2100-12-31"})
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["results"]] == [lead.pk]


@pytest.mark.django_db
def test_offset_deeper_than_the_cap_is_400(api, office):
    from legal_crm.core.pagination import CAP

    LeadFactory(office=office)
    for offset in ("99999999999999999999", str(CAP + 1)):
        r = api.get(URL, {"offset": offset})
        assert r.status_code == 400
        assert r.json()["field_codes"] == {"offset": "max_value"}
        assert r.json()["fields"]["offset"] == f"Смещение не может быть больше {CAP}: уточните фильтры."
    assert api.get(URL, {"offset": CAP}).status_code == 200


@pytest.mark.django_db
def test_page_past_the_end_reports_the_real_count(api, office):
    for _ in range(7):
        LeadFactory(office=office)
    body = api.get(URL, {"limit": 5, "offset": 1000}).json()
    assert body["results"] == [] and body["count"] == 7 and body["next"] is None
    assert body["previous"].endswith("?limit=5&offset=5")
    body = api.get(URL, {"limit": 5, "offset": 7}).json()
    assert body["results"] == [] and body["count"] == 7
    body = api.get(URL, {"limit": 10, "offset": 500}).json()
    assert body["count"] == 7 and body["previous"].endswith("?limit=10")
    last = api.get(URL, {"limit": 5, "offset": 5}).json()
    assert len(last["results"]) == 2 and last["count"] == 7 and last["next"] is None


@pytest.mark.django_db
def test_no_next_link_past_the_cap(api, office, monkeypatch):
    from legal_crm.core import pagination

    monkeypatch.setattr(pagination, "CAP", 4)
    for _ in range(8):
        LeadFactory(office=office)
    body = api.get(URL, {"limit": 2, "offset": 2}).json()
    assert body["next"].endswith("offset=4")
    body = api.get(URL, {"limit": 2, "offset": 4}).json()
    assert len(body["results"]) == 2 and body["count"] is None and body["next"] is None
    assert api.get(URL, {"limit": 2, "offset": 5}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("body,message", [
    ("null", "Нет данных: ожидался JSON-объект с полями."),
    ("[1, 2]", "Недопустимые данные: ожидался JSON-объект."),
])
def test_patch_without_an_object_is_refused_in_russian(api, office, body, message):
    lead = LeadFactory(office=office)
    r = api.patch(f"{URL}{lead.pk}/", data=body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["fields"] == {"non_field_errors": message}


@pytest.mark.django_db
@pytest.mark.parametrize("params,field,message", [
    ({"date_from": "01.05.2026x"}, "date_from", "Неправильный формат даты: нужен ГГГГ-ММ-ДД, например 2026-05-01."),
    ({"status": "в работе"}, "status", "Допустимы только латинские буквы, цифры, знаки подчёркивания и дефисы."),
    ({"phone": "9" * 41}, "phone", "Убедитесь, что это значение содержит не более 40 символов."),
])
def test_list_filter_messages_come_in_russian(api, office, params, field, message):
    r = api.get(URL, params)
    assert r.status_code == 400
    assert r.json()["fields"] == {field: message}


@pytest.mark.django_db
def test_domain_errors_name_their_fields_codes(api, office):
    lead = LeadFactory(office=office)
    r = api.patch(f"{URL}{lead.pk}/", {"status": "refusal_expensive"}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "reason_required"
    assert body["field_codes"] == {field: "reason_required" for field in body["fields"]}
    assert "refusal_reason" in body["field_codes"]
    r = api.patch(f"{URL}{lead.pk}/", {"office": "no-such-office"}, format="json")
    assert r.status_code == 400
    assert r.json()["field_codes"] == {"office": "unknown_office"}


@pytest.mark.django_db
def test_access_denied_by_a_service_is_403(api, make_staff, office, other_office):
    lead = LeadFactory(office=office)
    # An operator may edit a lead but not hand it over (no leads.reassign_lead).
    r = api.patch(f"{URL}{lead.pk}/", {"office": other_office.code}, format="json")
    assert r.status_code == 403
    assert r.json()["code"] == "access_denied" and re.search("[а-яА-Я]", r.json()["detail"])
    # An office head may hand leads over, but only to the offices they work in.
    head = APIClient()
    head.force_authenticate(make_staff("office_head"))
    r = head.patch(f"{URL}{lead.pk}/", {"office": other_office.code}, format="json")
    assert r.status_code == 403
    body = r.json()
    assert body["code"] == "access_denied" and body["field_codes"] == {"office": "access_denied"}
    lead.refresh_from_db()
    assert lead.office == office


@pytest.mark.django_db
@pytest.mark.parametrize("field,code,message", [
    ("status", "unknown_status", "Нет статуса с кодом «zzz»."),
    ("type", "unknown_type", "Нет типа лида с кодом «zzz»."),
    ("source", "unknown_source", "Нет рекламного источника с кодом «zzz»."),
    ("office", "unknown_office", "Нет офиса с кодом «zzz»."),
])
def test_unknown_filter_value_is_400(api, office, field, code, message):
    LeadFactory(office=office)
    r = api.get(URL, {field: "zzz"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {field: message} and body["field_codes"] == {field: code}


@pytest.mark.django_db
def test_known_filter_values_cost_no_queries(api, office, other_office):
    """Codes are checked against the cached reference data: a filtered list asks no more than an unfiltered
    one. A code missing from the cache (an inactive office) is looked up in its table and still filters."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    src = AdSourceFactory(code="vk")
    lead = LeadFactory(office=office, source=src)
    api.get(URL)  # warms the reference-data cache
    with CaptureQueriesContext(connection) as plain:
        api.get(URL)
    with CaptureQueriesContext(connection) as filtered:
        r = api.get(URL, {"status": "new", "type": lead.type.code, "source": "vk", "office": office.code})
    assert r.status_code == 200 and [row["id"] for row in r.json()["results"]] == [lead.pk]
    assert len(filtered.captured_queries) <= len(plain.captured_queries)
    other_office.is_active = False
    other_office.save()
    r = api.get(URL, {"office": other_office.code})
    assert r.status_code == 200 and r.json()["results"] == []


@pytest.mark.django_db
def test_new_list_errors_follow_the_chosen_language(api, office, settings):
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = api.get(URL, {"status": "zzz", "date_to": "9999-12-31"})
    assert r.status_code == 400
    assert r.json()["fields"] == {"status": "No status with the code “zzz”.",
                                  "date_to": "The date must be between 01.01.1900 and 31.12.2100."}
    r = api.get(URL, {"offset": 10**20})
    assert r.json()["fields"]["offset"].startswith("The offset cannot be greater than")


@pytest.mark.django_db
@pytest.mark.parametrize("body,field", [({"refusal_reason": "price"}, "refusal_reason"),
                                        ({"status_comment": "перезвонить"}, "status_comment"),
                                        ({"name": "Новое", "refusal_reason": "price"}, "refusal_reason")])
def test_a_reason_or_comment_without_a_status_is_refused_not_dropped(api, office, body, field):
    """A refusal reason (or a status comment) sent without a status was dropped silently with a 200."""
    from legal_crm.leads.models import RefusalReason

    RefusalReason.objects.get_or_create(code="price", defaults={"name": "Дорого"})
    lead = LeadFactory(office=office, name="Старое")
    r = api.patch(f"{URL}{lead.pk}/", body, format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "status_required" and field in r.json()["fields"]
    lead.refresh_from_db()
    assert lead.name == "Старое" and lead.status.code == "new" and lead.refusal_reason is None
