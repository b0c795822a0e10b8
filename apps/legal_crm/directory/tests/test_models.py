"""Directory records validate their identifiers (full_clean), and the desk accepts phones as people type them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from legal_crm.directory import selectors
from legal_crm.directory.models import Counterparty, Tag
from legal_crm.directory.tests.factories import FinancialManagerFactory, SROFactory, TagFactory

pytestmark = pytest.mark.django_db


def errors_of(instance) -> dict:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


def test_counterparty_person_passes_and_snils_is_formatted():
    person = Counterparty(name="Иванов", inn="500100732259", snils="11223344595", phone="8 916 123 45 67")
    person.full_clean()
    assert person.snils == "112-233-445 95"
    assert person.phone == "+79161234567"


@pytest.mark.parametrize(("fields", "field"), [
    ({"inn": "500111732259"}, "inn"),
    ({"snils": "112-233-445 96"}, "snils"),
    ({"phone": "12345"}, "phone"),
    ({"bik": "044030827", "account": "40702810900000002852"}, "account"),
    ({"kind": Counterparty.Kind.COMPANY, "snils": "112-233-445 95"}, "snils"),
    ({"kind": Counterparty.Kind.COMPANY, "inn": "500100732259"}, "inn"),
])
def test_counterparty_field_errors(fields, field):
    errors = errors_of(Counterparty(name="Тест", **fields))
    assert field in errors
    assert any(ch in "".join(errors[field]) for ch in "абвгдеёжзийклмнопрстуфхцчшщэюя")


def test_sro_and_financial_manager_identifiers():
    sro = SROFactory()
    sro.full_clean()
    manager = FinancialManagerFactory.build(sro=sro, snils="11223344595")
    manager.full_clean()
    assert manager.snils == "112-233-445 95"
    assert "inn" in errors_of(FinancialManagerFactory.build(sro=sro, inn="7830002293"))  # 12 digits for a person
    assert "snils" in errors_of(FinancialManagerFactory.build(sro=sro, snils="112-233-445 96"))
    assert "inn" in errors_of(SROFactory.build(inn="500100732259"))
    assert "ogrn" in errors_of(SROFactory.build(inn="7830002293", ogrn="1027700542208"))


def test_tags_are_unique_within_a_group():
    TagFactory(group=Tag.Group.CLIENT, name="VIP")
    TagFactory(group=Tag.Group.LEAD, name="VIP")  # another group: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(group=Tag.Group.CLIENT, name="VIP")
    assert [t.group for t in selectors.tags_of(Tag.Group.LEAD)] == [Tag.Group.LEAD]


def test_desk_form_accepts_a_phone_as_typed(client, make_staff):
    client.force_login(make_staff("operator"))
    response = client.post(reverse("admin:directory_counterparty_add"), {
        "kind": "person", "role": "client", "name": "Морозова Ирина", "phone": "+7 (916) 123-45-67",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Counterparty.objects.get(name="Морозова Ирина").phone == "+79161234567"


def test_desk_form_shows_a_russian_error_for_a_bad_inn(client, make_staff):
    client.force_login(make_staff("operator"))
    response = client.post(reverse("admin:directory_counterparty_add"), {
        "kind": "person", "role": "client", "name": "Морозова Ирина", "inn": "500111732259",
    })
    assert response.status_code == 200
    assert "ИНН указан неверно" in response.content.decode()
    assert not Counterparty.objects.exists()
