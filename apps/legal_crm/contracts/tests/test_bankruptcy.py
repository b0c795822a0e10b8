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
    from legal_crm.contracts.desk import audit_change_text

    assert audit_change_text(["case_number", "court_deposit"], None) == "номер дела, депозит суда"
    assert audit_change_text(None, {"creditor": "ПАО Банк", "amount": "1000.00"}) == \
        "кредитор: ПАО Банк; сумма: 1\u00a0000,00\u00a0₽"
    assert audit_change_text(None, None) == "" and audit_change_text("draft", "signed") == "Черновик → Подписан"
    office = contract_in_work.office
    assert audit_change_text({"status": "draft", "price": "100", "office": office.pk},
                             {"status": "signed", "price": "100.00", "office": office.pk}) == \
        "статус: Черновик → Подписан"
    assert audit_change_text(None, {"published": True, "office": office.pk}) == \
        f"в кабинете клиента: Да; офис: {office}"
    from legal_crm.contracts.models import ActionType

    kind = ActionType.objects.get(code="publication-made")  # shipped reference data
    assert audit_change_text(None, {"type": kind.code}) == f"тип: {kind.name}"


def test_saving_the_bankruptcy_section_unchanged_logs_nothing(lawyer, contract_in_work, client):
    import datetime

    from django.urls import reverse

    from legal_crm.contracts.desk import audit_change_text
    from legal_crm.core.audit import audit_for

    client.force_login(lawyer)
    url = reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, "bankruptcy"])
    form = {"tab": "general", "route": "judicial", "case_number": "А40-12345/2025", "court_deposit": "25000",
            "monthly_income": "0", "income_note": "", "filed_on": "", "hearing_on": ""}
    client.post(url, form)
    first = audit_for(contract_in_work).filter(action="bankruptcy.update")
    assert first.count() == 1
    versions = contract_in_work.bankruptcy.history.count()
    client.post(url, {**form, "court_deposit": "25 000,00"})  # the same, typed as the card shows it
    assert first.count() == 1
    assert contract_in_work.bankruptcy.history.count() == versions  # no empty version either
    client.post(url, {**form, "hearing_on": "2026-12-10"})
    entry = audit_for(contract_in_work).filter(action="bankruptcy.update").order_by("-pk").first()
    assert entry.after == {"hearing_on": "2026-12-10"} and entry.before == {"hearing_on": None}
    assert audit_change_text(entry.before, entry.after) == "судебное заседание: — → 10.12.2026"
    contract_in_work.bankruptcy.refresh_from_db()
    assert contract_in_work.bankruptcy.hearing_on == datetime.date(2026, 12, 10)


def test_the_history_tab_shows_labels_and_names(lawyer, contract_in_work, client):
    from django.urls import reverse

    client.force_login(lawyer)
    html = client.get(reverse("admin:contracts_contract_change", args=[contract_in_work.pk])).content.decode()
    history = html[html.index("Полная история полей договора") - 3000:]
    assert "Черновик → Подписан" in history
    assert "draft" not in history and "signed →" not in history and "офис: 1" not in history


def test_one_creditor_holds_several_debts_each_editable(lawyer, contract_in_work):
    """A credit card and a loan at one bank: two debts to one creditor, each with its own kind and amount."""
    from legal_crm.contracts.models import Creditor
    from legal_crm.contracts.printing import _bankruptcy
    from legal_crm.core.audit import audit_for

    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    card = services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="85000",
                                 kind=Creditor.Kind.CREDIT_CARD, basis="Карта № 1234")
    loan = services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="400000",
                                 kind=Creditor.Kind.LOAN, basis="Кредитный договор № 77")
    case = contract_in_work.bankruptcy
    assert sorted(case.creditors.values_list("kind", "debt_amount")) == [
        ("credit_card", Decimal("85000")), ("loan", Decimal("400000"))]

    services.creditor_update(actor=lawyer, contract=contract_in_work, creditor=loan, debt_amount="412500.10",
                             kind=Creditor.Kind.MORTGAGE, basis="Кредитный договор № 77")
    loan.refresh_from_db()
    assert (loan.debt_amount, loan.kind) == (Decimal("412500.10"), "mortgage")
    entry = audit_for(contract_in_work).filter(action="bankruptcy.creditor_update").get()
    assert entry.before == {"creditor": "ПАО Банк", "amount": "400000.00", "kind": "Кредит"}
    assert entry.after == {"creditor": "ПАО Банк", "amount": "412500.10", "kind": "Ипотека"}
    # nothing changed, nothing written
    services.creditor_update(actor=lawyer, contract=contract_in_work, creditor=loan, debt_amount="412500.1",
                             kind="mortgage", basis="Кредитный договор № 77")
    assert audit_for(contract_in_work).filter(action="bankruptcy.creditor_update").count() == 1
    for bad in ({"debt_amount": "0"}, {"debt_amount": "abc"}, {"kind": "gold"}):
        with pytest.raises(DomainError):
            services.creditor_update(actor=lawyer, contract=contract_in_work, creditor=card, **bad)
    printed = _bankruptcy(case)
    assert printed["creditors_count"] == 1 and len(printed["creditors"]) == 2

    services.creditor_remove(actor=lawyer, contract=contract_in_work, creditor=card)
    assert list(case.creditors.all()) == [loan]


def test_debts_of_another_contract_are_not_touched(lawyer, contract_in_work, make_contract):
    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Банк")
    debt = services.creditor_add(actor=lawyer, contract=contract_in_work, counterparty=bank, debt_amount="1000")
    other = make_contract(status="in_work", lawyers=[lawyer])
    with pytest.raises(DomainError) as exc:
        services.creditor_update(actor=lawyer, contract=other, creditor=debt, debt_amount="5")
    assert exc.value.code in ("not_found", "not_bankruptcy")
    debt.refresh_from_db()
    assert debt.debt_amount == Decimal("1000")


def test_the_card_adds_a_second_debt_and_edits_the_amount(client, lawyer, contract_in_work):
    from django.urls import reverse

    bank = CounterpartyFactory(kind="company", role=Counterparty.Role.CREDITOR, name="ПАО Сбербанк")
    client.force_login(lawyer)

    def post(op, data):
        return client.post(reverse("admin:contracts_contract_card_post", args=[contract_in_work.pk, op]),
                           {"tab": "general", **data}, follow=True)

    post("creditor", {"counterparty": bank.pk, "kind": "credit_card", "debt_amount": "85 000,00"})
    page = post("creditor", {"counterparty": bank.pk, "kind": "loan", "debt_amount": "400000", "basis": "КД 77"})
    assert "Долг кредитору добавлен" in page.content.decode()
    debts = contract_in_work.bankruptcy.creditors
    assert debts.count() == 2
    loan = debts.get(kind="loan")
    html = page.content.decode()
    assert f'data-debt="{loan.pk}"' in html and 'value="400000,00"' in html
    post("creditor_update", {"debt": loan.pk, "kind": "loan", "debt_amount": "410 000,50", "basis": "КД 77"})
    loan.refresh_from_db()
    assert loan.debt_amount == Decimal("410000.50")
