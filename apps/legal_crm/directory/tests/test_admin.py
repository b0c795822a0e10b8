"""The counterparty list's search: a phone typed any way finds the record."""

import pytest

from .factories import CounterpartyFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/directory/counterparty/"


@pytest.fixture
def desk(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("typed", ["+79167771122", "89167771122", "8 (916) 777-11-22", "+7 916 777 11 22",
                                   "9167771122", "7-916-777-11-22"])
def test_a_phone_typed_any_way_finds_the_counterparty(desk, typed):
    CounterpartyFactory(name="Смирнова Анна", phone="+79167771122")
    CounterpartyFactory(name="Петров Пётр", phone="+79167771123")
    html = desk.get(LIST, {"q": typed}).content.decode()
    assert "Смирнова Анна" in html and "Петров Пётр" not in html


def test_names_and_inn_are_still_searched(desk):
    CounterpartyFactory(name="Смирнова Анна", phone="+79167771122", inn="500100732259")
    CounterpartyFactory(name="Петров Пётр", phone="+79167771123")
    for typed in ("Смирнова", "500100732259"):
        html = desk.get(LIST, {"q": typed}).content.decode()
        assert "Смирнова Анна" in html and "Петров Пётр" not in html, typed


def test_the_desk_form_names_the_existing_card_with_a_link_and_saves_through_the_service(desk):
    from legal_crm.core.audit import audit_for
    from legal_crm.directory.models import Counterparty

    existing = CounterpartyFactory(kind="company", role="creditor", name="ПАО Сбербанк", inn="7707083893",
                                   kpp="773601001")
    data = {"kind": "company", "role": "creditor", "name": "Сбер", "inn": "7707083893", "kpp": "773601001"}
    response = desk.post(f"{LIST}add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/admin/directory/counterparty/{existing.pk}/change/"' in html
    assert "ПАО Сбербанк" in html
    assert Counterparty.objects.filter(inn="7707083893").count() == 1
    response = desk.post(f"{LIST}add/", {**data, "kpp": "784201001"})
    assert response.status_code == 302
    branch = Counterparty.objects.get(kpp="784201001")
    assert audit_for(branch).filter(action="counterparty.create").exists()
    response = desk.post(f"{LIST}{branch.pk}/change/", {**data, "kpp": "773601001"})
    assert response.status_code == 200 and f"/counterparty/{existing.pk}/change/" in response.content.decode()
    response = desk.post(f"{LIST}{branch.pk}/change/", {**data, "kpp": "784201001", "name": "Сбер СЗБ"})
    assert response.status_code == 302
    assert audit_for(branch).filter(action="counterparty.update").exists()
    branch.refresh_from_db()
    assert branch.name == "Сбер СЗБ"


def test_bulk_delete_goes_through_the_service_record_by_record(desk):
    from legal_crm.core.audit import audit_for
    from legal_crm.directory.models import Counterparty

    cards = [CounterpartyFactory(name=f"Удаляемый {n}") for n in range(2)]
    response = desk.post(LIST, {"action": "delete_selected", "_selected_action": [c.pk for c in cards],
                                "post": "yes"})
    assert response.status_code == 302
    assert not Counterparty.objects.filter(pk__in=[c.pk for c in cards]).exists()
    for card in cards:
        assert audit_for(card).filter(action="counterparty.delete").exists()


def test_a_reference_record_without_its_own_service_is_saved_and_deleted_with_an_audit_row(desk, admin_user):
    from legal_crm.core.audit import audit_for
    from legal_crm.directory.models import Tag

    response = desk.post("/admin/directory/tag/add/", {"group": "client", "name": "Ипотека", "color": "#2563eb"})
    assert response.status_code == 302
    tag = Tag.objects.get(name="Ипотека")
    created = audit_for(tag).get(action="record.create")
    assert created.actor == admin_user and created.after == {"fields": ["color", "group", "name"]}
    desk.post(f"/admin/directory/tag/{tag.pk}/change/", {"group": "client", "name": "Ипотека", "color": "#dc2626"})
    assert audit_for(tag).get(action="record.update").after == {"fields": ["color"]}
    assert desk.post(f"/admin/directory/tag/{tag.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert audit_for(tag).filter(action="record.delete", actor=admin_user).exists()
