"""`manage.py seed_demo` with every module's seeder (hooks.DEMO_SEEDERS): idempotent, demo logins work."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from legal_crm import hooks

pytestmark = pytest.mark.django_db

DEMO_LOGINS = ["admin", "operator", "sales", "lawyer", "office_head", "finance", "hr", "marketer"]


def _counts() -> dict[str, int]:
    """Rows per model; history rows and login bookkeeping are not demo data."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()
            if model._meta.app_label not in ("sessions", "axes", "admin")
            and not model.__name__.startswith("Historical")}


def test_seed_demo_twice_gives_the_same_data(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    for path in hooks.DEMO_SEEDERS:
        assert path in out.getvalue()
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    second = _counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert not changed, f"seed_demo is not idempotent for: {changed}"
    from legal_crm.core.models import User

    for login in DEMO_LOGINS:
        assert User.objects.get(username=login).check_password("demo"), login
    response = client.post("/admin/login/", {"username": "admin", "password": "demo", "next": "/admin/"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    # The demo's work is done by the staff whose work it is: the administrator takes no leads and sells nothing
    # (Novosibirsk, which has no sales manager, sells through its head).
    from legal_crm.contracts.models import Contract
    from legal_crm.leads.models import Lead

    assert not Lead.objects.filter(assigned_to__username="admin").exists()
    assert not Contract.objects.filter(sales_manager__is_superuser=True).exists()
    assert Contract.objects.filter(office__code="nsk", sales_manager__username="nsk.head").exists()


def test_seed_demo_tolerates_and_never_changes_the_users_own_rows(make_staff):
    """A user entered Сбербанк (the most frequent creditor) through the API, a person with a demo client's phone,
    two courts named like the demo's and a spam rule named like the demo's — before the first seeding. Seeding
    twice passes and leaves every one of those rows as the user made it."""
    from rest_framework.test import APIClient

    from legal_crm.directory.models import Counterparty
    from legal_crm.directory.tests.factories import CounterpartyFactory
    from legal_crm.leads.models import SpamRule

    api = APIClient()
    api.force_authenticate(make_staff("operator"))
    response = api.post("/api/v1/counterparties/", {"kind": "company", "role": "creditor", "name": "Сбер (мой)",
                                                     "inn": "7707083893", "note": "введено пользователем"},
                        format="json")
    assert response.status_code == 201, response.json()
    sber = Counterparty.objects.get(pk=response.json()["id"])
    namesake = CounterpartyFactory(name="Мой клиент", phone="+79167001001")
    courts = [CounterpartyFactory(kind="company", role="court", name="Арбитражный суд города Москвы",
                                  note=f"суд {n}") for n in (1, 2)]
    rules = [SpamRule.objects.create(name="Тестовые имена", kind="stop_word", value=f"моё{n}") for n in (1, 2)]
    import datetime

    from legal_crm.org.models import Banner

    banners = [Banner.objects.create(title="Добро пожаловать в Legal CRM", text=f"мой {n}",
                                     starts_on=datetime.date(2026, 1, 1)) for n in (1, 2)]
    mine = [sber, namesake, *courts]
    before = [(c.name, c.kpp, c.note, c.phone, c.role, c.updated_at) for c in mine]

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    for card in mine:
        card.refresh_from_db()
    assert [(c.name, c.kpp, c.note, c.phone, c.role, c.updated_at) for c in mine] == before
    assert Counterparty.objects.filter(inn="7707083893").count() == 1
    assert not namesake.contracts.exists()  # the demo made its own client card
    assert [(r.kind, r.value) for r in SpamRule.objects.filter(pk__in=[r.pk for r in rules]).order_by("pk")] == [
        ("stop_word", "моё1"), ("stop_word", "моё2")]
    assert list(Banner.objects.filter(pk__in=[b.pk for b in banners]).order_by("pk").values_list("text", flat=True)
                ) == ["мой 1", "мой 2"]


def test_seeding_again_after_a_user_renamed_a_demo_client_adds_nothing():
    """A user corrects a demo client's name (the card, the CSV import…); the next `bash bin/run` seeded a second
    card with the same phone and a second completed contract with its invoices, payments and ledger."""
    from legal_crm.directory import services as directory_services
    from legal_crm.directory.models import Counterparty

    call_command("seed_demo", stdout=io.StringIO())
    card = Counterparty.objects.get(phone="+79167001004", kind="person")
    from legal_crm.core.models import User

    directory_services.counterparty_update(actor=User.objects.get(username="admin"), counterparty=card,
                                           name="Васильев Дмитрий Олегович (исправлено)")
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    second = _counts()
    changed = {label: (first[label], second[label]) for label in first if first[label] != second[label]}
    assert not changed, f"seed_demo added rows after a user's edit: {changed}"
    assert Counterparty.objects.filter(phone="+79167001004", kind="person").count() == 1
