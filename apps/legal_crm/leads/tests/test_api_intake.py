"""POST /api/v1/leads/: new, duplicates, bad input, partners, nothing stored half-way."""

import json

import pytest
from rest_framework.test import APIClient

from legal_crm.leads.models import Lead, LeadContact, LeadStatusLog
from legal_crm.leads.tests.factories import AdSourceFactory

URL = "/api/v1/leads/"


@pytest.mark.django_db
def test_new_lead_201_with_status_type_office(site_client, office):
    AdSourceFactory(code="site-bfl", name="Сайт БФЛ", channel="site")
    r = site_client.post(URL, {"phone": "8 (916) 123-45-67", "name": "Иван", "source": "site-bfl",
                               "consent_personal_data": True}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) >= {"id", "status", "type", "office", "assigned_to"}
    assert body["phone"] == "+79161234567"
    assert body["status"] == "new" and body["type"] == "online"
    lead = Lead.objects.get(pk=body["id"])
    assert lead.consent_at is not None and lead.consent_source == "Сайт БФЛ"
    assert LeadContact.objects.filter(lead=lead, is_duplicate=False).count() == 1
    assert LeadStatusLog.objects.filter(lead=lead, to_status__code="new").exists()


@pytest.mark.django_db
def test_only_phone_is_required(site_client, office):
    r = site_client.post(URL, {"phone": "9161234567"}, format="json")
    assert r.status_code == 201
    r = site_client.post(URL, {"name": "Без телефона"}, format="json")
    assert r.status_code == 400
    assert r.json()["field_codes"]["phone"] == "required"


@pytest.mark.django_db
def test_same_phone_within_window_returns_200_and_records_contact(site_client, office):
    first = site_client.post(URL, {"phone": "+7 916 111-22-33", "comment": "первая"}, format="json")
    second = site_client.post(URL, {"phone": "89161112233", "comment": "вторая", "utm_source": "yandex"},
                              format="json")
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert Lead.objects.count() == 1
    contacts = LeadContact.objects.filter(lead_id=first.json()["id"]).order_by("at", "id")
    assert [c.comment for c in contacts] == ["первая", "вторая"]
    assert contacts[1].is_duplicate and contacts[1].utm_source == "yandex"
    assert Lead.objects.get().contacts_count == 2


@pytest.mark.django_db
def test_same_phone_after_window_is_a_new_lead(site_client, office):
    from django.utils import timezone

    from legal_crm.leads.models import LeadSettings

    settings_row = LeadSettings.load()
    settings_row.dedup_window_hours = 1
    settings_row.save()
    r1 = site_client.post(URL, {"phone": "+79162223344"}, format="json")
    Lead.objects.filter(pk=r1.json()["id"]).update(
        created_at=timezone.now() - timezone.timedelta(hours=3),
        last_contact_at=timezone.now() - timezone.timedelta(hours=3))
    r2 = site_client.post(URL, {"phone": "+79162223344"}, format="json")
    assert r2.status_code == 201 and r2.json()["id"] != r1.json()["id"]


@pytest.mark.django_db
def test_the_phones_latest_lead_decides_a_repeat_not_an_older_leads_late_contact(site_client, office):
    """The new lead's INSERT checks for a recent lead itself; what counts is what the repeat path reads: the phone's
    latest lead in touch within the window — an older lead a partner's retry touched since does not count."""
    from django.utils import timezone

    from legal_crm.leads.models import LeadSettings
    from legal_crm.leads.tests.factories import LeadFactory

    settings_row = LeadSettings.load()
    settings_row.dedup_window_hours = 1
    settings_row.save()
    now = timezone.now()
    older, latest = LeadFactory(phone="+79162223355"), LeadFactory(phone="+79162223355")
    Lead.objects.filter(pk=older.pk).update(created_at=now - timezone.timedelta(hours=5),
                                            last_contact_at=now - timezone.timedelta(minutes=10))
    Lead.objects.filter(pk=latest.pk).update(created_at=now - timezone.timedelta(hours=3),
                                             last_contact_at=now - timezone.timedelta(hours=3))
    r1 = site_client.post(URL, {"phone": "+79162223355"}, format="json")
    assert r1.status_code == 201 and r1.json()["id"] not in (older.pk, latest.pk)
    r2 = site_client.post(URL, {"phone": "+79162223355"}, format="json")
    assert r2.status_code == 200 and r2.json()["id"] == r1.json()["id"]  # now the latest is in touch


@pytest.mark.django_db
def test_a_new_persons_post_reads_no_lead_before_its_insert(site_client, office):
    """Most posts are new people: the dedup read rides in the lead's INSERT (… WHERE NOT EXISTS …)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site_client.post(URL, {"phone": "+79161234510"}, format="json")  # caches warmed: only the intake's own queries
    with CaptureQueriesContext(connection) as ctx:
        r = site_client.post(URL, {"phone": "+79161234511"}, format="json")
    assert r.status_code == 201, r.content
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if re.match(r"(START TRANSACTION;\s*)?SELECT .*FROM [`\"]leads_lead[`\"]", q, re.S)]
    inserts = [q for q in sql if re.search(r'INSERT INTO [`"]leads_lead[`"] ', q)]
    assert len(inserts) == 1 and "NOT EXISTS" in inserts[0]


@pytest.mark.django_db
def test_a_repeat_takes_no_operators_turn(site_client, office, make_staff):
    """The operator is chosen before the INSERT finds the phone's recent lead; a repeat gives the turn back: the
    next new leads go to everybody else first."""
    from legal_crm.leads.services.distribution import operators_of

    make_staff("operator"), make_staff("operator")
    takers = set(operators_of(office.pk))
    first = site_client.post(URL, {"phone": "+79161234520"}, format="json").json()["assigned_to"]
    for _ in range(len(takers) - 1):  # had each taken a turn, the first would be among the next leads' again
        assert site_client.post(URL, {"phone": "+79161234520"}, format="json").status_code == 200
    others = [site_client.post(URL, {"phone": f"+7916123453{i}"}, format="json").json()["assigned_to"]
              for i in range(len(takers) - 1)]
    assert sorted(others) == sorted(takers - {first})


@pytest.mark.django_db
def test_partner_external_id_dedup_and_identified_by_token(partner_client, partner_with_token, office):
    partner, _key = partner_with_token
    r1 = partner_client.post(URL, {"phone": "+79163334455", "external_id": "A-1"}, format="json")
    assert r1.status_code == 201, r1.content
    lead = Lead.objects.get(pk=r1.json()["id"])
    assert lead.partner == partner and lead.source.code == "partner-feed" and lead.type.code == "partners"
    # Same external id, other phone: still the same lead.
    r2 = partner_client.post(URL, {"phone": "+79165556677", "external_id": "A-1"}, format="json")
    assert r2.status_code == 200 and r2.json()["id"] == lead.pk
    assert Lead.objects.count() == 1
    assert LeadContact.objects.filter(lead=lead).count() == 2


@pytest.mark.django_db
def test_partner_field_mapping(partner_client, partner_with_token, office):
    partner, _key = partner_with_token
    partner.field_mapping = {"tel": "phone", "fio": "name"}
    partner.save()
    r = partner_client.post(URL, {"tel": "+79164445566", "fio": "Пётр"}, format="json")
    assert r.status_code == 201, r.content
    assert Lead.objects.get().name == "Пётр"
    # Errors name the fields as the partner sent them.
    r = partner_client.post(URL, {"tel": "8916abc", "fio": "П" * 300}, format="json")
    assert r.status_code == 400
    assert set(r.json()["fields"]) == set(r.json()["field_codes"]) == {"tel", "fio"}
    partner.field_mapping["src"] = "source"
    partner.save()
    AdSourceFactory(code="site-bfl")
    r = partner_client.post(URL, {"tel": "+79164445567", "src": "site-bfl"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "source_not_allowed"
    assert r.json()["fields"].keys() == r.json()["field_codes"].keys() == {"src"}


@pytest.mark.django_db
def test_partner_sees_only_its_leads(partner_client, partner_with_token, site_client, office):
    site_client.post(URL, {"phone": "+79160000011"}, format="json")
    partner_client.post(URL, {"phone": "+79160000012", "external_id": "X"}, format="json")
    r = partner_client.get(URL)
    assert r.status_code == 200
    phones = [row["phone"] for row in r.json()["results"]]
    assert phones == ["+79160000012"]
    assert "assigned_to" not in r.json()["results"][0]


@pytest.mark.django_db
def test_wrong_token_401_and_nothing_stored(office):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token deadbeef")
    r = client.post(URL, {"phone": "+79161234567"}, format="json")
    assert r.status_code == 401
    assert r.json()["code"] == "authentication_failed"
    r = APIClient().post(URL, {"phone": "+79161234567"}, format="json")
    assert r.status_code in (401, 403)
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_user_without_permission_is_refused(make_staff, office):
    client = APIClient()
    client.force_authenticate(make_staff("hr"))
    r = client.post(URL, {"phone": "+79161234567"}, format="json")
    assert r.status_code == 403
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_malformed_json_400(site_client, office):
    r = site_client.post(URL, data='{"phone": "+7916', content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "parse_error"
    r = site_client.post(URL, data=json.dumps(["+79161234567"]), content_type="application/json")
    assert r.status_code == 400
    assert not Lead.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,code", [
    ("phone", "12345", "invalid_phone"),
    ("phone", "не телефон", "invalid_phone"),
    ("phone", "'; DROP TABLE leads_lead; --", "invalid_phone"),
    ("source", "no-such-source", "unknown_source"),
    ("name", "Я" * 10240, "max_length"),
    ("consent_ads", "может быть", "invalid"),
])
def test_bad_fields_give_field_codes(site_client, office, field, value, code):
    payload = {"phone": "+79161234567", field: value}
    r = site_client.post(URL, payload, format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["field_codes"][field] == code
    assert body["fields"][field]
    assert not Lead.objects.exists() and not LeadContact.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+7 (916) 765-43-21", "8-916-765-43-21", "79167654321", "9167654321",
                                   " 8 916 765 43 21 "])
def test_any_phone_format_is_normalised(site_client, office, typed):
    r = site_client.post(URL, {"phone": typed}, format="json")
    assert r.status_code == 201
    assert r.json()["phone"] == "+79167654321"


@pytest.mark.django_db
def test_sql_and_html_stored_verbatim_and_escaped_in_desk(site_client, admin_user, office, client):
    name = "<script>alert(1)</script>'; DROP TABLE leads_lead; --"
    r = site_client.post(URL, {"phone": "+79161230000", "name": name}, format="json")
    assert r.status_code == 201
    lead = Lead.objects.get()
    assert lead.name == name
    client.force_login(admin_user)
    page = client.get(f"/admin/leads/lead/{lead.pk}/change/")
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    listing = client.get("/admin/leads/lead/")
    assert b"<script>alert(1)</script>" not in listing.content


@pytest.mark.django_db
def test_inactive_partner_refused(partner_client, partner_with_token, office):
    partner, _key = partner_with_token
    partner.is_active = False
    partner.save()
    r = partner_client.post(URL, {"phone": "+79161234567"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "partner_inactive"
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_openapi_schema_lists_lead_endpoints(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    r = client.get("/api/schema/?format=json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/leads/" in paths and "/api/v1/leads/{id}/" in paths
    assert {"get", "post"} <= set(paths["/api/v1/leads/"])
    assert {"get", "patch"} <= set(paths["/api/v1/leads/{id}/"])


@pytest.mark.django_db
def test_intake_answer_names_the_operator_without_loading_the_user_each_time(site_client, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.models import User

    first = site_client.post(URL, {"phone": "+79161234501"}, format="json").json()
    operator = User.objects.get(pk=first["assigned_to"])
    assert first["assigned_to_name"] == str(operator)
    with CaptureQueriesContext(connection) as ctx:
        second = site_client.post(URL, {"phone": "+79161234502"}, format="json").json()
    assert second["assigned_to"] == operator.pk and second["assigned_to_name"] == str(operator)
    assert not [q for q in ctx.captured_queries if 'FROM "core_user"' in q["sql"] or "FROM `core_user`" in q["sql"]]


@pytest.mark.django_db
def test_a_new_leads_rows_after_the_lead_go_to_mariadb_in_one_query(site_client, office):
    """Phone parts, contact, status and assignment logs, audit and the events' outbox row: one round trip on
    MariaDB (core.row_insert.together), one statement each elsewhere — and every row written."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.core.models import AuditLog, EventOutbox
    from legal_crm.leads.models import AssignmentLog, LeadPhonePart

    site_client.post(URL, {"phone": "+79161234500"}, format="json")  # caches warmed: only the intake's own queries
    with CaptureQueriesContext(connection) as ctx:
        r = site_client.post(URL, {"phone": "+79161234503", "name": "Вера"}, format="json")
    assert r.status_code == 201, r.content
    tables = ("leads_leadphonepart", "leads_leadcontact", "leads_leadstatuslog", "leads_assignmentlog",
              "core_auditlog", "core_eventoutbox")
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT") and any(
        t in q["sql"] for t in tables)]
    if connection.vendor == "mysql":
        assert len(inserts) == 1 and all(f"INSERT INTO `{t}`" in inserts[0] for t in tables)
    else:
        assert len(inserts) == len(tables)
    lead_id = r.json()["id"]
    assert LeadPhonePart.objects.filter(lead_id=lead_id, part="4503").exists()
    assert LeadContact.objects.filter(lead_id=lead_id, name="Вера").exists()
    assert LeadStatusLog.objects.filter(lead_id=lead_id).count() == 1
    assert AssignmentLog.objects.filter(lead_id=lead_id, office=office).exists()
    assert AuditLog.objects.filter(action="leads.intake", object_id=str(lead_id)).exists()
    assert any(item[2].get("lead_id") == lead_id for row in EventOutbox.objects.all() for item in row.items)


@pytest.mark.django_db
def test_a_repeat_answers_what_the_lead_holds_after_one_locked_read_and_one_update(site_client, office):
    """A repeat locks the lead's row, writes what it adds in one UPDATE and answers from the lead in memory
    (references from the reference cache, no joined read): the answer is what a fresh read of the lead gives."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.renderers import JSONRenderer

    from legal_crm.leads.selectors import LIST_RELATED
    from legal_crm.leads.serializers import LeadSerializer

    first = site_client.post(URL, {"phone": "+79161234504"}, format="json").json()
    with CaptureQueriesContext(connection) as ctx:
        r = site_client.post(URL, {"phone": "+7 916 123-45-04", "name": "Вера", "comment": "Снова о долгах",
                                   "consent_personal_data": True, "consent_ads": True}, format="json")
    assert r.status_code == 200, r.content
    fresh = Lead.objects.select_related(*LIST_RELATED).get(pk=first["id"])
    assert r.json() == json.loads(JSONRenderer().render(LeadSerializer(fresh).data))
    assert (fresh.name, fresh.consent_personal_data, fresh.consent_ads, fresh.contacts_count) == ("Вера", True,
                                                                                                  True, 2)
    assert fresh.consent_at is not None and fresh.last_contact_at > fresh.created_at
    assert LeadContact.objects.filter(lead=fresh, is_duplicate=True, comment="Снова о долгах").count() == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    assert len([q for q in sql if re.match(r'UPDATE [`"]leads_lead[`"]', q)]) == 1
    assert not [q for q in sql if re.search(r'FROM [`"]leads_lead[`"]', q) and "JOIN" in q]
    if connection.vendor == "mysql":
        assert [q for q in sql if re.search(r'FROM `leads_lead` WHERE `leads_lead`.`id` = ', q) and "FOR UPDATE" in q]
    # A second repeat keeps what the lead knows: the name and the consent given before.
    again = site_client.post(URL, {"phone": "+79161234504", "name": "Другая"}, format="json")
    assert again.json()["name"] == "Вера" and again.json()["contacts_count"] == 3
    assert Lead.objects.get(pk=first["id"]).name == "Вера"


@pytest.mark.django_db(transaction=True)
def test_repeated_external_id_outside_a_transaction(partner_with_token, office):
    """As in production (no outer transaction): a repeated id is caught by the unique constraint and retried,
    and the partner's id still wins over the phone's recent lead."""
    from legal_crm.leads.reference import load_reference_data

    load_reference_data()
    _partner, key = partner_with_token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    first = client.post(URL, {"phone": "+79161110001", "external_id": "X-1"}, format="json")
    assert first.status_code == 201, first.content
    again = client.post(URL, {"phone": "+79161110002", "external_id": "X-1"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = client.post(URL, {"phone": "+79161110003", "external_id": "Y-1"}, format="json")
    assert other.status_code == 201
    conflict = client.post(URL, {"phone": "+79161110003", "external_id": "X-1"}, format="json")
    assert conflict.status_code == 200 and conflict.json()["id"] == first.json()["id"]
    assert Lead.objects.count() == 2
    assert LeadContact.objects.filter(lead_id=first.json()["id"]).count() == 3


def _second_partner_client():
    from rest_framework.authtoken.models import Token

    from legal_crm.core.models import User
    from legal_crm.leads.tests.factories import PartnerFactory

    user = User.objects.create(username="partner-two")
    source = AdSourceFactory(code="partner-two-feed", channel="partner")
    PartnerFactory(name="Партнёр два", api_user=user, default_source=source)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.django_db
def test_repeat_of_a_lead_the_sender_may_not_see_shows_nothing_of_it(partner_client, make_staff, office,
                                                                     other_office):
    r = partner_client.post(URL, {"phone": "+79165551270", "name": "Секретный Клиент", "external_id": "P1-777"},
                            format="json")
    assert r.status_code == 201
    lead = Lead.objects.get()
    other = _second_partner_client()
    r = other.post(URL, {"phone": "8 916 555-12-70", "external_id": "P2-1"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json() == {"duplicate": True, "external_id": "P2-1", "detail": r.json()["detail"]}
    assert "Секретный" not in r.content.decode() and "P1-777" not in r.content.decode()
    # The post is not lost: it is the lead's second contact, with the second partner's number.
    contact = LeadContact.objects.filter(lead=lead).order_by("pk").last()
    assert (contact.is_duplicate, contact.external_id, contact.partner.name) == (True, "P2-1", "Партнёр два")
    # Staff of an office that does not see the lead get the same receipt; its own partner sees the lead.
    stranger = APIClient()
    stranger.force_authenticate(make_staff("operator", offices=[other_office]))
    r = stranger.post(URL, {"phone": "+79165551270"}, format="json")
    assert r.status_code == 200 and r.json()["duplicate"] is True and "assigned_to" not in r.json()
    r = partner_client.post(URL, {"phone": "+79165551270", "external_id": "P1-777"}, format="json")
    assert r.status_code == 200 and r.json()["id"] == lead.pk and r.json()["name"] == "Секретный Клиент"


@pytest.mark.django_db
def test_partner_may_name_only_its_own_source(partner_client, office):
    AdSourceFactory(code="site-bfl", channel="site")
    r = partner_client.post(URL, {"phone": "+79165551280", "source": "site-bfl"}, format="json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "source_not_allowed" and "source" in r.json()["fields"]
    assert not Lead.objects.exists() and not LeadContact.objects.exists()
    r = partner_client.post(URL, {"phone": "+79165551280", "source": "partner-feed"}, format="json")
    assert r.status_code == 201 and r.json()["source"] == "partner-feed"


@pytest.mark.django_db
def test_consent_and_name_of_a_repeat_are_kept_on_the_lead(site_client, office):
    r = site_client.post(URL, {"phone": "+79165551320"}, format="json")
    assert r.status_code == 201
    r = site_client.post(URL, {"phone": "+79165551320", "name": "Анна", "consent_personal_data": True,
                               "consent_ads": True, "consent_text": "Согласна на обработку"}, format="json")
    assert r.status_code == 200, r.content
    lead = Lead.objects.get()
    assert (lead.name, lead.consent_personal_data, lead.consent_ads, lead.consent_text) == (
        "Анна", True, True, "Согласна на обработку")
    assert lead.consent_at is not None and lead.consent_source
    given_at = lead.consent_at
    # A later post neither withdraws the consent nor overwrites what was recorded.
    site_client.post(URL, {"phone": "+79165551320", "name": "Другое имя"}, format="json")
    lead.refresh_from_db()
    assert (lead.name, lead.consent_personal_data, lead.consent_at) == ("Анна", True, given_at)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["8916abc5551231", "8916555122a", "+7 916 555 12 31 доб. 2"])
def test_letters_in_a_phone_are_refused_not_dropped(site_client, office, typed):
    r = site_client.post(URL, {"phone": typed}, format="json")
    assert r.status_code == 400 and r.json()["field_codes"]["phone"] == "invalid_phone"
    assert not Lead.objects.exists()

NESTED_TOO_DEEP = '{"phone": "+79165551248", "name": ' + "[" * 100_000 + "]" * 100_000 + "}"


@pytest.mark.django_db
def test_too_deeply_nested_json_is_a_parse_error(site_client, office):
    r = site_client.post(URL, data=NESTED_TOO_DEEP, content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "parse_error", "detail": "Тело запроса не является корректным JSON.", "fields": {}}
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_body_over_the_upload_limit_is_a_json_413(site_client, office, settings):
    body = json.dumps({"phone": "+79161234567", "comment": "я" * 1_500_000}, ensure_ascii=False)  # 3 MB
    assert len(body.encode()) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    r = site_client.post(URL, data=body, content_type="application/json")
    assert r.status_code == 413
    assert r["Content-Type"] == "application/json"
    assert r.json() == {"code": "request_too_large", "detail": "Тело запроса слишком большое.", "fields": {}}
    assert not Lead.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body,field,message", [
    ('{"phone": true}', "phone", "Ожидалась строка."),
    ('{"phone": "+79161234567", "name": ["a"]}', "name", "Ожидалась строка."),
    ('{"phone": "+79161234567", "consent_personal_data": "да"}', "consent_personal_data",
     "Ожидалось логическое значение."),
    ('{"phone": "+79161234567", "comment": null}', "comment", "Это поле не может быть пустым."),
    ('{"phone": "+79161234567", "name": "\\ud800"}', "name", "Недопустимый символ: U+D800."),
])
def test_drf_messages_come_in_russian(site_client, office, body, field, message):
    r = site_client.post(URL, data=body, content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["fields"][field] == message
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_openapi_schema_documents_nulls_shapes_and_errors(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    lead = components["Lead"]["properties"]
    for field in ("assigned_to", "assigned_to_name", "office", "office_name", "source", "refusal_reason",
                  "external_id", "score", "last_contact_at"):
        assert lead[field].get("nullable") is True, field
    for field in ("status", "type", "phone", "created_at"):
        assert not lead[field].get("nullable"), field
    partner_lead = components["PartnerLead"]["properties"]
    assert partner_lead["office"]["nullable"] is True and partner_lead["source"]["nullable"] is True
    # anyOf, not oneOf: a staff lead holds every field of a partner's lead, so it matches both shapes.
    assert components["LeadOrPartnerLead"]["anyOf"] == [{"$ref": "#/components/schemas/Lead"},
                                                        {"$ref": "#/components/schemas/PartnerLead"}]
    error = components["Error"]
    assert set(error["properties"]) == {"code", "detail", "fields", "field_codes"}
    assert set(error["required"]) == {"code", "detail", "fields"}

    def ref(responses, code):
        return responses[code]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    post = schema["paths"]["/api/v1/leads/"]["post"]["responses"]
    assert ref(post, "201") == "LeadOrPartnerLead" and ref(post, "200") == "LeadRepeat"
    assert {"$ref": "#/components/schemas/DuplicateReceipt"} in components["LeadRepeat"]["anyOf"]
    assert set(components["DuplicateReceipt"]["properties"]) == {"duplicate", "external_id", "detail"}
    assert {ref(post, code) for code in ("400", "401", "403", "413")} == {"Error"}
    listing = schema["paths"]["/api/v1/leads/"]["get"]["responses"]
    assert ref(listing, "200") == "PaginatedLeadOrPartnerLeadList" and ref(listing, "400") == "Error"
    detail = schema["paths"]["/api/v1/leads/{id}/"]
    assert ref(detail["get"]["responses"], "200") == "LeadOrPartnerLead"
    assert ref(detail["get"]["responses"], "404") == "Error"
    assert ref(detail["patch"]["responses"], "200") == "Lead"
    assert {ref(detail["patch"]["responses"], code) for code in ("400", "401", "403", "404", "413")} == {"Error"}


@pytest.mark.django_db
def test_the_intake_refuses_to_run_inside_a_callers_transaction(site_user, office):
    """The intake owns its transaction (durable): nested in another, its lock, retries and events after commit
    would silently stop holding, so it refuses before writing anything."""
    from django.db import transaction

    from legal_crm.leads import services

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        services.lead_intake(actor=site_user, data=services.IntakeData(phone="+79161230077"))
    assert not Lead.objects.exists()
    lead, created = services.lead_intake(actor=site_user, data=services.IntakeData(phone="+79161230077"))
    assert created and Lead.objects.get() == lead


@pytest.mark.django_db
def test_a_caller_that_holds_a_transaction_on_purpose_gets_a_lead_that_lives_and_dies_with_it(site_user, office):
    """An event handler (the relay's transaction) or a view linking the lead to its record says so: the intake
    joins its transaction, and the caller's rollback takes the lead away with everything else."""
    from django.db import transaction

    from legal_crm.leads import services

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        lead, created = services.lead_intake(actor=site_user, data=services.IntakeData(phone="+79161230078"),
                                             within_transaction=True)
        assert created and Lead.objects.filter(pk=lead.pk).exists()
        raise Rollback
    assert not Lead.objects.exists()
    with transaction.atomic():
        lead, created = services.lead_intake(actor=site_user, data=services.IntakeData(phone="+79161230078"),
                                             within_transaction=True)
    assert created and Lead.objects.get() == lead


@pytest.mark.django_db
def test_an_employee_posting_through_the_api_keeps_the_lead_in_their_offices(make_staff, office, other_office):
    """As on the desk: distribution would send the number to the default office, and the employee who added the
    lead got a 201 with a lead they could not open the next second."""
    from legal_crm.leads.models import LeadSettings

    LeadSettings.objects.filter(pk=1).update(default_office=office)
    client = APIClient()
    client.force_authenticate(make_staff("operator", offices=[other_office]))
    r = client.post(URL, {"phone": "+79161290009", "name": "Из API сотрудника"}, format="json")
    assert r.status_code == 201
    assert Lead.objects.get(pk=r.json()["id"]).office == other_office
    assert client.get(f"{URL}{r.json()['id']}/").status_code == 200
