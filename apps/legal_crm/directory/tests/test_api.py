"""Counterparties over the API: bad identifiers are 400 naming the field in Russian; good ones are saved
with history."""

import re

import pytest
from rest_framework.test import APIClient

from legal_crm.core.audit import audit_for
from legal_crm.directory.models import Counterparty
from legal_crm.directory.tests.factories import CounterpartyFactory, FinancialManagerFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/counterparties/"

PERSON = {"kind": "person", "role": "client", "name": "Петров Пётр Петрович", "inn": "500100732259",
          "snils": "11223344595", "phone": "8 916 123-45-67", "passport_series": "4510",
          "passport_number": "123456", "passport_department_code": "770-001"}
COMPANY = {"kind": "company", "role": "creditor", "name": "ООО «Ромашка»", "inn": "7830002293",
           "kpp": "783001001", "ogrn": "1027700132195", "bik": "044030827", "account": "40702810900000002851"}


@pytest.fixture
def api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("operator"))
    return client


def russian(text: str) -> bool:
    return bool(re.search("[а-яА-ЯёЁ]", text))


def test_valid_person_is_created_normalised_and_with_history(api):
    response = api.post(URL, PERSON, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+79161234567"
    assert body["snils"] == "112-233-445 95"
    counterparty = Counterparty.objects.get(pk=body["id"])
    assert counterparty.history.count() == 1
    assert counterparty.history.first().history_type == "+"
    assert audit_for(counterparty).filter(action="counterparty.create").exists()


def test_valid_company_with_bank_details_is_created(api):
    response = api.post(URL, COMPANY, format="json")
    assert response.status_code == 201, response.json()
    assert Counterparty.objects.get(pk=response.json()["id"]).account == "40702810900000002851"


@pytest.mark.parametrize(("field", "value", "base"), [
    ("inn", "500111732259", PERSON),
    ("inn", "1234567890", COMPANY),
    ("inn", "12345", PERSON),
    ("snils", "112-233-445 96", PERSON),
    ("phone", "12345", PERSON),
    ("phone", "8 916 123-45", PERSON),
    ("account", "40702810900000002852", COMPANY),
    ("bik", "123456789", COMPANY),
    ("kpp", "78300100", COMPANY),
    ("ogrn", "1027700132196", COMPANY),
    ("passport_number", "12345", PERSON),
    ("passport_department_code", "770001", PERSON),
])
def test_invalid_field_is_a_400_naming_it_in_russian(api, field, value, base):
    response = api.post(URL, {**base, field: value}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert russian(body["fields"][field])
    assert russian(body["detail"])
    assert not Counterparty.objects.exists()


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "company", "inn": "500100732259"}, "inn"),      # a person's ИНН on a company
    ({"inn": "7830002293"}, "inn"),                           # a company's ИНН on a person
    ({"kpp": "783001001"}, "kpp"),                             # КПП only for companies
    ({"passport_series": ""}, "passport_number"),             # series and number together
    ({"corr_account": "30101810400000000226", "bik": "044525225"}, "corr_account"),
])
def test_cross_field_rules_name_the_field(api, changes, field):
    response = api.post(URL, {**PERSON, **changes}, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert russian(response.json()["fields"][field])


def test_update_validates_and_keeps_history(api):
    counterparty = CounterpartyFactory(name="Сидоров")
    response = api.patch(f"{URL}{counterparty.pk}/", {"snils": "112-233-445 96"}, format="json")
    assert response.status_code == 400
    assert "snils" in response.json()["fields"]
    response = api.patch(f"{URL}{counterparty.pk}/", {"phone": "+7 (916) 123-45-67"}, format="json")
    assert response.status_code == 200, response.json()
    counterparty.refresh_from_db()
    assert counterparty.phone == "+79161234567"
    assert counterparty.history.count() == 2
    assert audit_for(counterparty).filter(action="counterparty.update").exists()


def test_search_by_name_inn_and_any_phone_spelling(api):
    CounterpartyFactory(name="Кузнецова Анна", inn="500100732259", phone="+79161234567")
    CounterpartyFactory(name="Смирнов Олег")
    for q in ("Кузн", "500100732259", "8 916 123-45-67", "9161234567"):
        rows = api.get(URL, {"q": q}).json()["results"]
        assert [r["name"] for r in rows] == ["Кузнецова Анна"], q


def test_roles_without_permission_cannot_write(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("finance"))  # finance may view directories, not change them
    assert client.get(URL).status_code == 200
    response = client.post(URL, PERSON, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Counterparty.objects.exists()


def test_financial_managers_list_only_active(api):
    FinancialManagerFactory()
    FinancialManagerFactory(inn="780800226230", snils="001-001-998 00", is_active=False, last_name="Бывший")
    rows = api.get("/api/v1/financial-managers/").json()["results"]
    assert [r["last_name"] for r in rows] == ["Арбитражный"]
    assert api.get("/api/v1/sros/").json()["results"][0]["inn"] == "7705494552"


SBER = {"kind": "company", "role": "creditor", "name": "ПАО Сбербанк", "inn": "7707083893", "kpp": "773601001"}


def test_a_second_card_of_the_same_company_is_refused_with_the_existing_id(api):
    first = api.post(URL, SBER, format="json").json()["id"]
    response = api.post(URL, {**SBER, "name": "Сбер"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "duplicate_counterparty" and body["existing_id"] == first
    assert "inn" in body["fields"] and russian(body["detail"])
    assert Counterparty.objects.filter(inn="7707083893").count() == 1


def test_a_company_typed_without_kpp_is_the_card_of_its_inn(api):
    """Only two cards that both give different КПП are separate branches: one without a КПП is the same company."""
    first = api.post(URL, SBER, format="json").json()["id"]
    response = api.post(URL, {**SBER, "kpp": "", "name": "Сбербанк"}, format="json")
    assert response.status_code == 400 and response.json()["existing_id"] == first
    Counterparty.objects.filter(pk=first).update(kpp="")  # an old card typed without its КПП
    response = api.post(URL, SBER, format="json")
    assert response.status_code == 400 and response.json()["existing_id"] == first


def test_a_branch_with_another_kpp_and_cards_without_inn_are_allowed(api):
    assert api.post(URL, SBER, format="json").status_code == 201
    assert api.post(URL, {**SBER, "kpp": "784201001", "name": "Северо-Западный банк"},
                    format="json").status_code == 201
    for n in range(2):
        assert api.post(URL, {"kind": "person", "role": "client", "name": f"Без ИНН {n}"},
                        format="json").status_code == 201


def test_a_second_card_of_the_same_person_is_refused_and_so_is_an_edit_into_one(api):
    first = api.post(URL, PERSON, format="json").json()["id"]
    assert api.post(URL, {**PERSON, "phone": ""}, format="json").json()["existing_id"] == first
    other = api.post(URL, {**PERSON, "inn": "", "phone": ""}, format="json").json()["id"]
    response = api.patch(f"{URL}{other}/", {"inn": PERSON["inn"]}, format="json")
    assert response.status_code == 400 and response.json()["existing_id"] == first


def test_the_database_refuses_a_duplicate_that_bypasses_the_services():
    from django.db import IntegrityError, transaction

    CounterpartyFactory(kind="company", inn="7707083893", kpp="773601001")
    with pytest.raises(IntegrityError), transaction.atomic():
        CounterpartyFactory(kind="company", inn="7707083893", kpp="773601001")
    CounterpartyFactory(inn="")
    CounterpartyFactory(inn="")


def test_a_duplicate_of_a_card_the_user_may_not_see_gives_no_id(api, other_office):
    from legal_crm.leads.tests.factories import LeadFactory

    hidden = CounterpartyFactory(name="Чужой клиент", inn=PERSON["inn"])
    LeadFactory(office=other_office, client=hidden)
    response = api.post(URL, PERSON, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "duplicate_counterparty" and body["existing_id"] is None
    assert "Чужой" not in response.content.decode()


def test_an_unknown_role_is_a_400_not_an_empty_list(api):
    r = api.get("/api/v1/counterparties/", {"role": "zzz"})
    assert r.status_code == 400 and "role" in r.json()["fields"] and "zzz" in str(r.json()["fields"]["role"])
    assert api.get("/api/v1/counterparties/", {"role": "client"}).status_code == 200
