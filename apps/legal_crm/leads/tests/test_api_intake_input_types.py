"""POST /api/v1/leads/: the external id's JSON type, a partner's mapped field sent twice."""

import pytest
from rest_framework.test import APIClient

from legal_crm.leads.models import Lead, LeadContact

URL = "/api/v1/leads/"


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["1e309", "1.5", "2.0", "true", "[1]", '{"a": 1}'])
def test_external_id_of_another_json_type_is_a_400_and_nothing_stored(site_client, office, raw):
    r = site_client.post(URL, data='{"phone": "+79161234567", "external_id": ' + raw + "}",
                         content_type="application/json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "invalid"
    assert body["field_codes"] == {"external_id": "invalid_external_id"}
    assert body["fields"] == {"external_id": "Номер у партнёра должен быть строкой или целым числом."}
    assert not Lead.objects.exists() and not LeadContact.objects.exists()


@pytest.mark.django_db
def test_external_id_as_a_string_or_an_integer_is_stored_as_its_text(partner_client, office):
    r = partner_client.post(URL, data='{"phone": "+79161234567", "external_id": 12345678901234567890}',
                            content_type="application/json")
    assert r.status_code == 201, r.content
    assert Lead.objects.get().external_id == "12345678901234567890"
    r = partner_client.post(URL, {"phone": "+79161234568", "external_id": "A-17"}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["external_id"] == "A-17"


@pytest.mark.django_db
def test_an_integer_and_its_digits_as_a_string_are_one_external_id(partner_client, office):
    """What the schema's description promises: 12345 and "12345" are the same partner's number."""
    r = partner_client.post(URL, data='{"phone": "+79161234567", "external_id": 12345}',
                            content_type="application/json")
    assert r.status_code == 201, r.content
    r = partner_client.post(URL, {"phone": "+79161234568", "external_id": "12345"}, format="json")
    assert r.status_code == 200 and r.json()["id"] == Lead.objects.get().pk


@pytest.mark.django_db
def test_the_schema_documents_external_id_as_a_string_or_an_integer(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    components = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    sent = components["LeadIntakeRequest"]["properties"]["external_id"]
    assert sent["oneOf"] == [{"type": "string", "maxLength": 100}, {"type": "integer"}]
    assert "type" not in sent and sent["nullable"] is True
    assert "строка или целое число" in sent["description"]
    # what the API answers is the stored text: a string, as before
    for name in ("Lead", "PartnerLead", "DuplicateReceipt"):
        assert components[name]["properties"]["external_id"]["type"] == "string", name


@pytest.mark.django_db
def test_mapped_field_and_its_crm_name_with_different_values_are_refused(partner_client, partner_with_token,
                                                                           office):
    partner, _key = partner_with_token
    partner.field_mapping = {"tel": "phone", "fio": "name"}
    partner.save()
    r = partner_client.post(URL, {"tel": "+79164445566", "phone": "+79164445577", "fio": "Пётр"}, format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "field_conflict"
    assert body["conflicting_fields"] == ["tel", "phone"]
    assert set(body["fields"]) == set(body["field_codes"]) == {"tel", "phone"}
    assert "«tel»" in body["detail"] and "«phone»" in body["detail"]
    assert not Lead.objects.exists() and not LeadContact.objects.exists()


@pytest.mark.django_db
def test_mapped_field_and_its_crm_name_with_the_same_value_are_accepted(partner_client, partner_with_token,
                                                                          office):
    partner, _key = partner_with_token
    partner.field_mapping = {"tel": "phone", "fio": "name"}
    partner.save()
    r = partner_client.post(URL, {"tel": "+79164445566", "phone": "+79164445566", "fio": "Пётр"}, format="json")
    assert r.status_code == 201, r.content
    lead = Lead.objects.get()
    assert lead.phone == "+79164445566" and lead.name == "Пётр"


@pytest.mark.django_db
@pytest.mark.parametrize(("theirs", "ours"), [
    ({"tel": "+7 916 444-55-66"}, {"phone": "89164445566"}),
    ({"lead_id": 12345}, {"external_id": "12345"}),
    ({"lead_id": "12345"}, {"external_id": 12345}),
])
def test_mapped_field_and_its_crm_name_with_one_value_typed_two_ways_are_accepted(partner_client, partner_with_token,
                                                                                 office, theirs, ours):
    """The intake takes «+7 916 444-55-66» and «89164445566», 12345 and «12345», as one value: sent under both
    names they are no conflict."""
    partner, _key = partner_with_token
    partner.field_mapping = {"tel": "phone", "lead_id": "external_id"}
    partner.save()
    body = {"tel": "+79164445566", "lead_id": "x-1", **theirs, **ours, "name": "Пётр"}
    r = partner_client.post(URL, body, format="json")
    assert r.status_code == 201, r.content
    lead = Lead.objects.get()
    assert lead.phone == "+79164445566"
    conflict = partner_client.post(URL, {**body, "phone": "+79164445577"} if "phone" in ours else
                                   {**body, "external_id": "12346"}, format="json")
    assert conflict.status_code == 400 and conflict.json()["code"] == "field_conflict"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["0000000000", "++79161234567", "+7 (000) 000-00-00", "8 916+1234567"])
def test_junk_phone_is_refused_and_nothing_stored(site_client, office, typed):
    r = site_client.post(URL, {"phone": typed, "name": "Иван"}, format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["field_codes"] == {"phone": "invalid_phone"}
    assert body["fields"] == {"phone": "Телефон указан неверно: нужен номер вида +7 916 123-45-67."}
    assert not Lead.objects.exists() and not LeadContact.objects.exists()


@pytest.mark.django_db
def test_a_form_field_sent_twice_is_refused_not_the_last_one_taken(site_client, office):
    r = site_client.post(URL, data="name=A&phone=%2B79165552212&phone=%2B79165552213",
                         content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["field_codes"] == {"phone": "repeated_field"}
    assert body["fields"]["phone"] == "Поле передано несколько раз: оставьте одно значение."
    assert not Lead.objects.exists()
    once = site_client.post(URL, data="name=A&phone=%2B79165552212", content_type="application/x-www-form-urlencoded")
    assert once.status_code == 201, once.content


@pytest.mark.django_db
def test_an_unreadable_multipart_body_is_not_called_bad_json(site_client, office):
    r = site_client.post(URL, data=b"garbage", content_type="multipart/form-data")
    assert r.status_code == 400
    assert r.json()["code"] == "parse_error"
    assert r.json()["detail"] == ("Тело запроса не удалось разобрать как multipart/form-data: проверьте его и "
                                  "заголовок Content-Type.")
    assert not Lead.objects.exists()


@pytest.mark.django_db
def test_a_json_key_sent_twice_is_refused_not_the_last_one_taken(site_client, office):
    r = site_client.post(URL, data='{"name": "A", "phone": "+79165552212", "phone": "+79165552213"}',
                         content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["field_codes"] == {"phone": "repeated_field"}
    assert not Lead.objects.exists()
    once = site_client.post(URL, data='{"name": "A", "phone": "+79165552212"}', content_type="application/json")
    assert once.status_code == 201, once.content
