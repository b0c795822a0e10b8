"""The contract card offers a move exactly when the contract's predicate allows it — the same predicate the service
refuses by (Contract.can_sign(), can_start_work(), can_complete(), can_add_expense()…), never a status string
compared in the template."""

import pytest
from django.urls import reverse

from legal_crm.contracts import services
from legal_crm.contracts.models import Contract, ContractStage
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db

Status = Contract.Status

# status → what may be done: sign, start work, complete, change stages / add expenses, add actions, terminate
ALLOWED = {
    Status.DRAFT: {"sign", "action", "terminate"},
    Status.SIGNED: {"start", "action", "terminate"},
    Status.IN_WORK: {"complete", "stages", "action", "terminate"},
    Status.COMPLETED: {"action"},
    Status.TERMINATED: set(),
}
# what the card shows for each move: a piece of its form
MARKS = {
    "sign": 'value="sign"',
    "start": 'value="start"',
    "complete": 'value="complete"',
    "stages": "Записать расход или доп. работу",
    "action": 'id="action-add"',
    "terminate": "<summary class=\"cc-btn cc-btn-danger\"",
}


@pytest.mark.parametrize("status", list(ALLOWED))
def test_the_card_offers_what_the_predicates_allow(client, admin_user, make_contract, status):
    contract = make_contract(status=status)
    ContractStage.objects.create(contract=contract, order=1, name="Сбор документов")
    allowed = ALLOWED[status]
    assert contract.can_sign() == ("sign" in allowed) and contract.can_start_work() == ("start" in allowed)
    assert contract.can_complete() == ("complete" in allowed)
    assert contract.can_change_stages() == contract.can_add_expense() == ("stages" in allowed)
    assert contract.can_add_action() == ("action" in allowed) and contract.can_terminate() == ("terminate" in allowed)
    client.force_login(admin_user)
    html = client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).content.decode()
    shown = {move for move, mark in MARKS.items() if mark in html}
    assert shown == allowed


def test_an_expense_is_refused_where_the_card_offers_none(lawyer, make_contract):
    """The card offered expenses only in work; the service now refuses them by the same predicate."""
    contract = make_contract(status=Status.SIGNED, lawyers=[lawyer])
    stage = ContractStage.objects.create(contract=contract, order=1, name="Этап")
    for add, kwargs in ((services.stage_expense_add, {"title": "Госпошлина", "amount": "300"}),
                        (services.extra_work_add, {"description": "Ходатайство"})):
        with pytest.raises(DomainError) as exc:
            add(actor=lawyer, stage=stage, **kwargs)
        assert exc.value.code == "not_in_work"
    assert not stage.expenses.exists() and not stage.extra_work.exists()
