"""directory 0003: the duplicate cards that exist (same ИНН + КПП) are merged into the oldest card — references
moved, empty fields filled, an audit row written — before the unique key is added; cards without an ИНН stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("directory", "0002_services")]
AFTER = [("directory", "0003_counterparty_one_card_per_entity")]


def _latest():
    """Every app's newest migration. Going back to directory 0002 unapplies every later migration that depends on
    directory (campaigns, finance, portal…): the test puts the whole schema back, or the tests that run after it in
    the same database find tables missing."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_are_merged_into_the_oldest_card(office):
    from legal_crm.core.models import AuditLog
    from legal_crm.directory.models import Counterparty
    from legal_crm.leads.models import Lead
    from legal_crm.leads.tests.factories import LeadFactory

    old = _migrate(BEFORE)
    try:
        Old = old.get_model("directory", "Counterparty")
        OldTag = old.get_model("directory", "Tag")
        vip = OldTag.objects.create(group="client", name="VIP")
        pension = OldTag.objects.create(group="client", name="Пенсионер")
        oldest = Old.objects.create(kind="company", role="creditor", name="ПАО Сбербанк", inn="7707083893",
                                    kpp="773601001")
        oldest.tags.add(vip)
        second = Old.objects.create(kind="company", role="creditor", name="Сбер", inn="7707083893", kpp="773601001",
                                    phone="+74955005550", email="sb@example.ru")
        second.tags.add(vip, pension)
        third = Old.objects.create(kind="company", role="creditor", name="Сбербанк", inn="7707083893",
                                   kpp="773601001")
        branch = Old.objects.create(kind="company", role="creditor", name="СЗБ", inn="7707083893", kpp="784201001")
        blanks = [Old.objects.create(kind="person", role="client", name=f"Без ИНН {n}", inn="") for n in range(2)]
        lead = LeadFactory(office=office, client_id=third.pk)
    finally:
        _migrate(AFTER)
        _migrate(_latest())

    assert list(Counterparty.objects.filter(inn="7707083893", kpp="773601001").values_list("pk", flat=True)) == [
        oldest.pk]
    keeper = Counterparty.objects.get(pk=oldest.pk)
    assert keeper.name == "ПАО Сбербанк"  # the oldest card's own data wins
    assert keeper.phone == "+74955005550" and keeper.email == "sb@example.ru"  # empty fields filled
    assert sorted(keeper.tags.values_list("name", flat=True)) == ["VIP", "Пенсионер"]
    assert Lead.objects.get(pk=lead.pk).client_id == keeper.pk
    assert not Counterparty.objects.filter(pk__in=[second.pk, third.pk]).exists()
    assert Counterparty.objects.filter(pk=branch.pk).exists()
    assert Counterparty.objects.filter(pk__in=[b.pk for b in blanks]).count() == 2
    entry = AuditLog.objects.get(action="counterparty.merge_duplicates", object_id=str(keeper.pk))
    assert sorted(entry.after["deleted"]) == sorted([second.pk, third.pk])


@pytest.mark.django_db(transaction=True)
def test_debts_to_both_cards_of_one_creditor_end_up_on_the_oldest(office):
    """A case lists both cards as its creditors: a creditor may hold several debts in one case (a card and a loan),
    so both debts move to the oldest card and the duplicate goes; nothing loses a link."""
    from legal_crm.contracts.models import BankruptcyCase, Contract, Creditor
    from legal_crm.contracts.tests.factories import bfl_service
    from legal_crm.directory.models import Counterparty

    old = _migrate(BEFORE)
    try:
        Old = old.get_model("directory", "Counterparty")
        client = Old.objects.create(kind="person", role="client", name="Должников Дмитрий")
        oldest = Old.objects.create(kind="company", role="creditor", name="ПАО Сбербанк", inn="7707083893",
                                    kpp="773601001")
        duplicate = Old.objects.create(kind="company", role="creditor", name="Сбер", inn="7707083893",
                                       kpp="773601001")
        contract = Contract.objects.create(number="ТСТ-2026-00001", office=office, client_id=client.pk,
                                           service=bfl_service(), price=150000)
        case = BankruptcyCase.objects.create(contract=contract)
        Creditor.objects.create(case=case, counterparty_id=oldest.pk, debt_amount=100)
        stuck = Creditor.objects.create(case=case, counterparty_id=duplicate.pk, debt_amount=200)
    finally:
        _migrate(AFTER)
        _migrate(_latest())

    assert not Counterparty.objects.filter(pk=duplicate.pk).exists()
    assert Creditor.objects.get(pk=stuck.pk).counterparty_id == oldest.pk
    assert sorted(Creditor.objects.filter(case=case).values_list("debt_amount", flat=True)) == [100, 200]
    assert Counterparty.objects.filter(inn="7707083893").count() == 1
