import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract, ContractNumbering, ContractStage, StageTemplate
from legal_crm.contracts.selectors import contract_list_visible_to
from legal_crm.contracts.services._common import local_today
from legal_crm.contracts.tests.factories import CounterpartyFactory
from legal_crm.core.errors import DomainError
from legal_crm.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_create_numbers_per_office_and_year(sales, office, other_office, bfl, client_cp, make_staff):
    first = services.contract_create(actor=sales, client=client_cp, service=bfl, office=office)
    second = services.contract_create(actor=sales, client=client_cp, service=bfl, office=office)
    year = local_today(office).year  # numbering follows the office's local year, not the machine's
    assert first.number == f"МСК-{year}-00001"
    assert second.number == f"МСК-{year}-00002"
    assert first.status == Contract.Status.DRAFT
    assert first.price == bfl.price
    assert first.sales_manager == sales
    other_sales = make_staff("sales", offices=[other_office])
    ContractNumbering.objects.create(office=other_office, prefix="НСБ")
    # A client card of the first office is not theirs to pick (they reach it through their own lead).
    with pytest.raises(DomainError) as exc:
        services.contract_create(actor=other_sales, client=client_cp, service=bfl, office=other_office)
    assert exc.value.code == "unknown_client"
    third = services.contract_create(actor=other_sales, client=CounterpartyFactory(name="Другой клиент"),
                                     service=bfl, office=other_office)
    assert third.number == f"НСБ-{local_today(other_office).year}-00001"  # Novosibirsk may be in the next year


def test_number_given_back_when_creation_rolls_back(sales, office, bfl, client_cp):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.contract_create(actor=sales, client=client_cp, service=bfl, office=office)
        raise RuntimeError("rollback")
    contract = services.contract_create(actor=sales, client=client_cp, service=bfl, office=office)
    assert contract.number.endswith("-00001")


def test_create_refuses_office_the_actor_does_not_work_in(sales, other_office, bfl, client_cp):
    with pytest.raises(DomainError) as exc:
        services.contract_create(actor=sales, client=client_cp, service=bfl, office=other_office)
    assert exc.value.code == "access_denied"
    assert "Новосибирск" in exc.value.message


def test_create_refuses_without_permission(make_staff, office, bfl, client_cp):
    lawyer = make_staff("lawyer")
    with pytest.raises(DomainError) as exc:
        services.contract_create(actor=lawyer, client=client_cp, service=bfl, office=office)
    assert exc.value.code == "access_denied"


def test_negative_price_refused(sales, office, bfl, client_cp):
    with pytest.raises(DomainError) as exc:
        services.contract_create(actor=sales, client=client_cp, service=bfl, office=office, price=Decimal("-1"))
    assert exc.value.code == "amount_negative"
    assert "price" in exc.value.fields


def test_full_lifecycle_with_history(head, lawyer, office, bfl, client_cp):
    contract = services.contract_create(actor=head, client=client_cp, service=bfl, office=office)
    contract = services.contract_sign(actor=head, contract=contract)
    assert contract.status == Contract.Status.SIGNED and contract.signed_on
    contract = services.contract_start_work(actor=head, contract=contract, lawyers=[lawyer])
    stages = list(contract.stages.order_by("order"))
    assert len(stages) == StageTemplate.objects.filter(service=bfl).count() == 14
    assert stages[0].status == ContractStage.Status.IN_PROGRESS
    assert stages[0].name == "Консультация"
    assert stages[-1].name == "Дело закрыто"
    assert all(s.status == ContractStage.Status.PENDING for s in stages[1:])
    with pytest.raises(DomainError) as exc:
        services.contract_complete(actor=lawyer, contract=contract)
    assert exc.value.code == "stages_open"
    for stage in stages:
        stage.refresh_from_db()
        if stage.is_closed:
            continue
        services.stage_finish(actor=lawyer, stage=stage, skip=stage.is_optional)
    contract = services.contract_complete(actor=lawyer, contract=contract)
    assert contract.status == Contract.Status.COMPLETED
    statuses = list(contract.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s] == [
        "draft", "signed", "in_work", "completed"]
    actions = set(AuditLog.objects.filter(object_id=str(contract.pk)).values_list("action", flat=True))
    assert {"contract.create", "contract.sign", "contract.start_work", "contract.complete"} <= actions


@pytest.mark.parametrize("status, call", [
    ("signed", "contract_sign"), ("in_work", "contract_sign"), ("draft", "contract_start_work"),
    ("completed", "contract_start_work"), ("draft", "contract_complete"), ("signed", "contract_complete"),
    ("terminated", "contract_complete"),
])
def test_invalid_transitions_refused(head, make_contract, lawyer, status, call):
    contract = make_contract(status=status, lawyers=[lawyer])
    with pytest.raises(DomainError) as exc:
        getattr(services, call)(actor=head, contract=contract)
    assert exc.value.code == "invalid_transition"
    assert "нельзя перевести" in exc.value.message
    contract.refresh_from_db()
    assert contract.status == status


def test_sign_requires_price_and_no_future_date(head, make_contract):
    free = make_contract(price=0)
    with pytest.raises(DomainError) as exc:
        services.contract_sign(actor=head, contract=free)
    assert exc.value.code == "price_required"
    contract = make_contract()
    with pytest.raises(DomainError) as exc:
        services.contract_sign(actor=head, contract=contract,
                               signed_on=datetime.date.today() + datetime.timedelta(days=5))
    assert exc.value.code == "future_date"


def test_start_work_requires_a_lawyer(head, make_contract):
    contract = make_contract(status=Contract.Status.SIGNED)
    with pytest.raises(DomainError) as exc:
        services.contract_start_work(actor=head, contract=contract)
    assert exc.value.code == "lawyer_required"
    assert not contract.stages.exists()


def test_office_scope_per_role(make_staff, office, other_office, make_contract):
    here = make_contract(office=office)
    there = make_contract(office=other_office)
    lawyer = make_staff("lawyer")
    assert set(contract_list_visible_to(lawyer)) == {here}
    head = make_staff("office_head")
    assert set(contract_list_visible_to(head)) == {here}
    finance = make_staff("finance")
    assert set(contract_list_visible_to(finance)) == {here, there}
    operator = make_staff("operator")
    assert not contract_list_visible_to(operator).exists()


def test_sales_see_only_their_own_contracts(make_staff, make_contract):
    sales = make_staff("sales")
    mine = make_contract(sales_manager=sales)
    make_contract()  # another manager's contract in the same office
    assert list(contract_list_visible_to(sales)) == [mine]


def test_services_respect_scope(make_staff, other_office, make_contract):
    contract = make_contract(office=other_office, status=Contract.Status.DRAFT)
    head = make_staff("office_head")
    with pytest.raises(DomainError) as exc:
        services.contract_sign(actor=head, contract=contract)
    assert exc.value.code == "access_denied"


def test_general_info_and_custom_fields(lawyer, contract_in_work):
    from legal_crm.contracts.models import ServiceField

    ServiceField.objects.create(service=contract_in_work.service, code="debt_total", label="Сумма долгов",
                                kind=ServiceField.Kind.MONEY, required=True)
    ServiceField.objects.create(service=contract_in_work.service, code="mortgage", label="Ипотека",
                                kind=ServiceField.Kind.CHOICE, choices="Есть\nНет")
    contract = services.contract_general_info_update(
        actor=lawyer, contract=contract_in_work, essence="Долги по трём кредитам", client_expectations="Списать",
        custom_fields={"debt_total": "1 250 000,50", "mortgage": "Нет"})
    assert contract.custom_fields == {"debt_total": "1250000.50", "mortgage": "Нет"}
    assert contract.essence == "Долги по трём кредитам"
    with pytest.raises(DomainError) as exc:
        services.contract_general_info_update(actor=lawyer, contract=contract, custom_fields={"mortgage": "Может"})
    assert "mortgage" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.contract_general_info_update(actor=lawyer, contract=contract, custom_fields={"nope": 1})
    assert exc.value.code == "unknown_fields"
    with pytest.raises(DomainError) as exc:
        services.contract_general_info_update(actor=lawyer, contract=contract,
                                              expected_start_on=datetime.date(2026, 5, 1),
                                              expected_end_on=datetime.date(2026, 1, 1))
    assert "expected_end_on" in exc.value.fields
