"""Contract-number prefixes: one office per prefix (issue 10, item 11)."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse

from legal_crm.contracts import services
from legal_crm.contracts.models import ContractNumbering, default_prefix
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog
from legal_crm.directory.tests.factories import CounterpartyFactory
from legal_crm.org.tests.factories import OfficeFactory

pytestmark = pytest.mark.django_db


def test_default_prefix_appends_a_digit_when_taken():
    assert default_prefix("kzn") == default_prefix("qzn") == "КЗН"
    assert default_prefix("qzn", {"КЗН"}) == "КЗН2"
    assert default_prefix("qzn", {"КЗН", "КЗН2"}) == "КЗН3"
    assert default_prefix("abcdefghijklmn", {"АБЦДЕФГХИЙКЛ"}) == "АБЦДЕФГХИЙК2"


def test_offices_whose_codes_spell_alike_both_number_contracts(admin_user, bfl):
    kzn = OfficeFactory(code="kzn", name="Казань")
    qzn = OfficeFactory(code="qzn", name="Казань-2")
    year = datetime.date.today().year
    first = services.contract_create(actor=admin_user, client=CounterpartyFactory(), service=bfl, office=kzn)
    second = services.contract_create(actor=admin_user, client=CounterpartyFactory(), service=bfl, office=qzn)
    assert first.number == f"КЗН-{year}-00001"
    assert second.number == f"КЗН2-{year}-00001"
    assert ContractNumbering.objects.get(office=qzn).prefix == "КЗН2"


def test_prefix_is_unique_in_the_database(office, other_office):
    ContractNumbering.objects.create(office=office, prefix="МСК")
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractNumbering.objects.create(office=other_office, prefix="МСК")


def test_prefix_set_refuses_another_offices_prefix(admin_user, office, other_office, bfl):
    services.contract_create(actor=admin_user, client=CounterpartyFactory(), service=bfl, office=office)
    with pytest.raises(DomainError) as exc:
        services.numbering_prefix_set(actor=admin_user, office=other_office, prefix="мск")
    assert exc.value.code == "prefix_taken"
    assert "«МСК» уже у офиса «Москва»" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.numbering_prefix_set(actor=admin_user, office=other_office, prefix="Н С*Б")
    assert exc.value.code == "prefix_invalid"
    row = services.numbering_prefix_set(actor=admin_user, office=other_office, prefix=" нсб ")
    assert row.prefix == "НСБ"
    assert AuditLog.objects.filter(action="contract_numbering.set", object_id=str(other_office.pk)).exists()


def test_prefix_set_refuses_prefix_of_another_offices_numbers(admin_user, office, other_office, bfl):
    """An office whose prefix was changed keeps its old numbers: nobody else may take the old prefix."""
    services.contract_create(actor=admin_user, client=CounterpartyFactory(), service=bfl, office=office)
    services.numbering_prefix_set(actor=admin_user, office=office, prefix="МОС")
    with pytest.raises(DomainError) as exc:
        services.numbering_prefix_set(actor=admin_user, office=other_office, prefix="МСК")
    assert exc.value.code == "prefix_taken"


def test_prefix_set_needs_the_permission_and_the_office(make_staff, office, other_office):
    head = make_staff("office_head", offices=[office])
    with pytest.raises(DomainError) as exc:
        services.numbering_prefix_set(actor=head, office=other_office, prefix="НСБ")
    assert exc.value.code == "access_denied"


def test_desk_edits_prefix_and_shows_collision(client, admin_user, office, other_office):
    ContractNumbering.objects.create(office=office, prefix="МСК")
    row = ContractNumbering.objects.create(office=other_office, prefix="НСБ")
    client.force_login(admin_user)
    url = reverse("admin:contracts_contractnumbering_change", args=[row.pk])
    assert client.get(reverse("admin:contracts_contractnumbering_changelist")).status_code == 200
    response = client.post(url, {"prefix": "МСК"})
    assert response.status_code == 200
    assert "«МСК» уже у офиса «Москва»" in response.content.decode()
    row.refresh_from_db()
    assert row.prefix == "НСБ"
    response = client.post(url, {"prefix": "НСК"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.prefix == "НСК"


def test_data_migration_splits_colliding_offices(office, bfl):
    """Before the fix offices had no stored prefix, or two stored the same one."""
    migration = importlib.import_module("legal_crm.contracts.migrations.0005_contract_prefix_unique")
    OfficeFactory(code="kzn", name="Казань")
    qzn = OfficeFactory(code="qzn", name="Казань-2")
    from legal_crm.contracts.tests.factories import ContractFactory

    ContractFactory(office=qzn, number="КЗН-2026-00001")  # qzn numbered first; kzn never could
    ContractNumbering.objects.all().delete()
    migration.fix_prefixes(django_apps, None)
    prefixes = dict(ContractNumbering.objects.values_list("office__code", "prefix"))
    assert prefixes["qzn"] == "КЗН"
    assert prefixes["kzn"] == "КЗН2"
    assert prefixes["msk"] == "МСК"
