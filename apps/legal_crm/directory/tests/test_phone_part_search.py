"""The client directory finds a card by any contiguous part of its phone (issue #17), on the phone parts' key:
the parts follow the phone through the directory services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from legal_crm.directory import services
from legal_crm.directory.models import CounterpartyPhonePart

pytestmark = pytest.mark.django_db


def _parts(card) -> set[str]:
    return set(CounterpartyPhonePart.objects.filter(counterparty=card).values_list("part", flat=True))


def test_cards_are_found_by_the_tail_or_the_middle_in_the_desk_and_the_api(client, admin_user):
    services.counterparty_create(actor=admin_user, name="Смирнова Анна", phone="+7 948 775-24-38")
    services.counterparty_create(actor=admin_user, name="Петров Пётр", phone="+7 916 123-45-67")
    client.force_login(admin_user)
    api = APIClient()
    api.force_authenticate(admin_user)
    for typed in ("7752438", "775-24", "2438", "9487"):
        with CaptureQueriesContext(connection) as ctx:
            html = client.get("/admin/directory/counterparty/", {"q": typed}).content.decode()
        assert "Смирнова Анна" in html and "Петров Пётр" not in html, typed
        assert "LIKE '%" not in " ".join(q["sql"] for q in ctx.captured_queries)
        names = [row["name"] for row in api.get("/api/v1/counterparties/", {"q": typed}).json()["results"]]
        assert names == ["Смирнова Анна"], typed


def test_the_parts_follow_the_phone_when_a_card_changes(admin_user):
    card = services.counterparty_create(actor=admin_user, name="Смирнова Анна", phone="+79487752438")
    assert "7752438" in _parts(card)
    services.counterparty_update(actor=admin_user, counterparty=card, phone="+79161234567")
    assert "1234567" in _parts(card) and "7752438" not in _parts(card)
    services.counterparty_update(actor=admin_user, counterparty=card, phone="")
    assert _parts(card) == set()
