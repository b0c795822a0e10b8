from decimal import Decimal

import pytest

from legal_crm.contracts import services
from legal_crm.contracts.models import normalize_case_number
from legal_crm.contracts.tests.factories import CounterpartyFactory, ServiceFactory
from legal_crm.core.errors import DomainError
from legal_crm.directory.models import Counterparty, FinancialManager, SelfRegulatoryOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    sro = SelfRegulatoryOrganization.objects.create(
        full_name="Ассоциация СРО АУ", short_name="СРО АУ", inn="7705494552", ogrn="1027700542209",
        registry_number="0002", address="Москва")
    return FinancialManager.objects.create(last_name="Управляющий", first_name="Фёдор", inn="500100732259",
                                           snils="112-233-445 95", registry_number="1", postal_address="Москва",
                                           sro=sro)


def test_case_fields_and_manager_brings_sro(lawyer, contract_in_work, manager):
    court = CounterpartyFactory(kind="company", role=Counterparty.Role.COURT, name="Арбитражный суд г. Москвы")
    case = services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, court=court,
                                           case_number="a40-12345/2025", financial_manager=manager,
                                           court_deposit=Decimal("25000"))
    assert case.case_number == "А40-12345/2025"
    assert case.sro == manager.sro


@pytest.mark.parametrize("value", ["А40-12345", "40-12345/2025", "А40-12345/25", "Б40-1/2025"])
def test_bad_case_number_refused(lawyer, contract_in_work, value):
    with pytest.raises(DomainError) as exc:
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, case_number=value)
    assert "А40-12345/2025" in exc.value.fields["case_number"]


def test_normalize_case_number():
    assert normalize_case_number(" A40 - 12345/2025 ") == "А40-12345/2025"


def test_court_must_be_a_court(lawyer, contract_in_work):
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="Банк")
    with pytest.raises(DomainError) as exc:
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, court=bank)
    assert "court" in exc.value.fields


def test_creditors_and_property(lawyer, contract_in_work):
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="350000.50")
    with pytest.raises(DomainError) as exc:
        services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="1")
    assert exc.value.code == "creditor_exists"
    other = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="МФО")
    with pytest.raises(DomainError) as exc:
        services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=other, debt_amount="-10")
    assert exc.value.code == "amount_not_positive"
    with pytest.raises(DomainError):
        services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=contract_in_work.client,
                              debt_amount="10")
    item = services.property_add(actor=lawyer, contract=contract_in_work, kind="vehicle",
                                 description="Лада Гранта 2015", value="200000")
    assert item.case.creditors.get().debt_amount == Decimal("350000.50")


def test_non_bankruptcy_service_refused(lawyer, make_contract):
    contract = make_contract(service=ServiceFactory(), status="in_work", lawyers=[lawyer])
    with pytest.raises(DomainError) as exc:
        services.bankruptcy_case_update(actor=lawyer, contract=contract, case_number="А40-1/2025")
    assert exc.value.code == "not_bankruptcy"


@pytest.mark.parametrize("bad", ["NaN", "1e20", "abc", "-Infinity"])
def test_amounts_that_no_money_field_holds_are_field_errors(lawyer, contract_in_work, bad):
    """They used to be saved (1e20) and break the card for good, or raise a 500 (NaN, text)."""
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    with pytest.raises(DomainError) as exc:
        services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount=bad)
    assert exc.value.code == "amount_invalid" and "debt_amount" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.property_add(actor=lawyer, contract=contract_in_work, kind="flat", description="Квартира", value=bad)
    assert exc.value.code == "amount_invalid"
    with pytest.raises(DomainError) as exc:
        services.bankruptcy_case_update(actor=lawyer, contract=contract_in_work, court_deposit=bad)
    assert "court_deposit" in exc.value.fields


def test_the_card_history_names_fields_in_russian(lawyer, contract_in_work):
    from legal_crm.contracts.desk import audit_text

    assert audit_text(["case_number", "court_deposit"]) == "номер дела, депозит суда"
    assert audit_text({"creditor": "ПАО Банк", "amount": "1000.00"}) == "кредитор: ПАО Банк; сумма: 1000.00"
    assert audit_text(None) == "" and audit_text("draft") == "draft"
