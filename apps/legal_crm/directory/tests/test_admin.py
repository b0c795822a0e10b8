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
