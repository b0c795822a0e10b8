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


def _duplicates_of_one_bank(old, office) -> dict:
    """Three cards of one bank (one entity: the same ИНН + КПП), a branch (its own КПП), two cards without an ИНН,
    and a lead that points at the youngest duplicate."""
    from legal_crm.leads.tests.factories import LeadFactory

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
    return {"oldest": oldest.pk, "second": second.pk, "third": third.pk, "branch": branch.pk,
            "blanks": [b.pk for b in blanks], "lead": lead.pk}


def _both_cards_of_one_creditor_in_a_case(old, office) -> dict:
    """A case lists both cards of another bank as its creditors: a creditor may hold several debts in one case (a
    card and a loan)."""
    from legal_crm.contracts.models import BankruptcyCase, Contract, Creditor
    from legal_crm.contracts.tests.factories import bfl_service

    Old = old.get_model("directory", "Counterparty")
    client = Old.objects.create(kind="person", role="client", name="Должников Дмитрий")
    oldest = Old.objects.create(kind="company", role="creditor", name="АО ТБанк", inn="7710140679", kpp="771301001")
    duplicate = Old.objects.create(kind="company", role="creditor", name="Т-Банк", inn="7710140679",
                                   kpp="771301001")
    contract = Contract.objects.create(number="ТСТ-2026-00001", office=office, client_id=client.pk,
                                       service=bfl_service(), price=150000)
    case = BankruptcyCase.objects.create(contract=contract)
    Creditor.objects.create(case=case, counterparty_id=oldest.pk, debt_amount=100)
    stuck = Creditor.objects.create(case=case, counterparty_id=duplicate.pk, debt_amount=200)
    return {"oldest": oldest.pk, "duplicate": duplicate.pk, "case": case.pk, "stuck": stuck.pk}


# One test, two situations: going back to directory 0002 and forward again takes a minute or two of Django's
# migration state on a slow machine, so both situations are written before the one migration they test.
@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_are_merged_into_the_oldest_card_with_their_links(office):
    old = _migrate(BEFORE)
    try:
        bank = _duplicates_of_one_bank(old, office)
        debts = _both_cards_of_one_creditor_in_a_case(old, office)
    finally:
        _migrate(AFTER)
        _migrate(_latest())
    _check_the_bank_merged(bank)
    _check_both_debts_moved(debts)


def _check_the_bank_merged(ids: dict) -> None:
    from legal_crm.core.models import AuditLog
    from legal_crm.directory.models import Counterparty
    from legal_crm.leads.models import Lead

    assert list(Counterparty.objects.filter(inn="7707083893", kpp="773601001").values_list("pk", flat=True)) == [
        ids["oldest"]]
    keeper = Counterparty.objects.get(pk=ids["oldest"])
    assert keeper.name == "ПАО Сбербанк"  # the oldest card's own data wins
    assert keeper.phone == "+74955005550" and keeper.email == "sb@example.ru"  # empty fields filled
    assert sorted(keeper.tags.values_list("name", flat=True)) == ["VIP", "Пенсионер"]
    assert Lead.objects.get(pk=ids["lead"]).client_id == keeper.pk
    assert not Counterparty.objects.filter(pk__in=[ids["second"], ids["third"]]).exists()
    assert Counterparty.objects.filter(pk=ids["branch"]).exists()  # another КПП: another entity
    assert Counterparty.objects.filter(pk__in=ids["blanks"]).count() == 2
    entry = AuditLog.objects.get(action="counterparty.merge_duplicates", object_id=str(keeper.pk))
    assert sorted(entry.after["deleted"]) == sorted([ids["second"], ids["third"]])


def _check_both_debts_moved(ids: dict) -> None:
    """Both debts now point at the oldest card and the duplicate is gone; nothing lost a link."""
    from legal_crm.contracts.models import Creditor
    from legal_crm.directory.models import Counterparty

    assert not Counterparty.objects.filter(pk=ids["duplicate"]).exists()
    assert Creditor.objects.get(pk=ids["stuck"]).counterparty_id == ids["oldest"]
    assert sorted(Creditor.objects.filter(case_id=ids["case"]).values_list("debt_amount", flat=True)) == [100, 200]
    assert Counterparty.objects.filter(inn="7710140679").count() == 1
