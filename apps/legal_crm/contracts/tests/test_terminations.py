import datetime
from decimal import Decimal

import pytest

from legal_crm.contracts import services
from legal_crm.contracts.jobs import flag_overdue_terminations
from legal_crm.contracts.models import Contract, TerminationRequest, TerminationStep
from legal_crm.contracts.money import paid_amount
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db


def fake_paid(contract):
    return Decimal("60000.00")


@pytest.fixture
def paid_60k(monkeypatch):
    from legal_crm import hooks

    monkeypatch.setattr(hooks, "CONTRACT_PAID_AMOUNT", "legal_crm.contracts.tests.test_terminations.fake_paid")



def _approve_all(request, lawyer, head, finance):
    by_group = {"Юристы": lawyer, "Руководители офисов": head, "Финансисты": finance}
    for step in request.steps.order_by("order"):
        services.termination_step_approve(actor=by_group[step.group.name], step=step, comment="Согласовано")


def test_terminate_with_refund(paid_60k, lawyer, head, finance, contract_in_work):
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work,
                                                  reason="Переезжаю в другой город")
    assert request.decision_due_on == request.received_on + datetime.timedelta(days=10)
    assert request.steps.order_by("order").first().title.startswith("Юрист")
    services.termination_retention_record(actor=lawyer, request=request, text="Предложили рассрочку — отказ")
    with pytest.raises(DomainError) as exc:
        services.termination_decide(actor=head, request=request, terminate=True, accepted_work_amount="20000")
    assert exc.value.code == "steps_pending"
    _approve_all(request, lawyer, head, finance)
    request = services.termination_decide(actor=head, request=request, terminate=True,
                                          accepted_work_amount="20000")
    assert request.status == TerminationRequest.Status.TERMINATED
    assert request.paid_amount == Decimal("60000.00")
    assert request.refund_amount == Decimal("40000.00")
    contract_in_work.refresh_from_db()
    assert contract_in_work.status == Contract.Status.TERMINATED
    with pytest.raises(DomainError) as exc:
        services.termination_decide(actor=head, request=request, terminate=False)
    assert exc.value.code == "termination_closed"


def test_refund_never_negative(paid_60k, contract_in_work):
    paid, refund = services.refund_for(contract_in_work, Decimal("90000"))
    assert (paid, refund) == (Decimal("60000.00"), Decimal("0.00"))


def test_paid_amount_without_billing_is_zero(monkeypatch, contract_in_work):
    from legal_crm import hooks

    monkeypatch.setattr(hooks, "CONTRACT_PAID_AMOUNT", None)
    assert paid_amount(contract_in_work) == Decimal("0.00")


def test_steps_in_order_and_by_group(lawyer, head, finance, contract_in_work):
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    steps = list(request.steps.order_by("order"))
    with pytest.raises(DomainError) as exc:
        services.termination_step_approve(actor=head, step=steps[1])
    assert exc.value.code == "step_order"
    with pytest.raises(DomainError) as exc:
        services.termination_step_approve(actor=head, step=steps[0])  # the lawyers' step
    assert exc.value.code == "access_denied"
    services.termination_step_approve(actor=lawyer, step=steps[0])
    assert TerminationStep.objects.get(pk=steps[0].pk).status == TerminationStep.Status.APPROVED


def test_return_to_work_needs_retention(lawyer, head, contract_in_work):
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Сомневаюсь")
    with pytest.raises(DomainError) as exc:
        services.termination_decide(actor=head, request=request, terminate=False)
    assert exc.value.code == "retention_required"
    services.termination_retention_record(actor=lawyer, request=request, text="Объяснили сроки, клиент остаётся")
    request = services.termination_decide(actor=head, request=request, terminate=False)
    assert request.status == TerminationRequest.Status.RETURNED
    contract_in_work.refresh_from_db()
    assert contract_in_work.status == Contract.Status.IN_WORK


def test_bad_input(lawyer, head, contract_in_work, make_contract):
    with pytest.raises(DomainError) as exc:
        services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="  ")
    assert "reason" in exc.value.fields
    services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    with pytest.raises(DomainError) as exc:
        services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Ещё раз")
    assert exc.value.code == "termination_exists"
    completed = make_contract(status="completed", lawyers=[lawyer])
    with pytest.raises(DomainError) as exc:
        services.termination_request_create(actor=lawyer, contract=completed, reason="Поздно")
    assert exc.value.code == "invalid_transition"
    request = TerminationRequest.objects.get(contract=contract_in_work)
    with pytest.raises(DomainError) as exc:
        services.termination_decide(actor=lawyer, request=request, terminate=False)
    assert exc.value.code == "access_denied"  # lawyers approve steps; the office head decides


def test_open_termination_blocks_completion(lawyer, contract_in_work):
    services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого")
    contract_in_work.stages.update(status="done")
    with pytest.raises(DomainError) as exc:
        services.contract_complete(actor=lawyer, contract=contract_in_work)
    assert exc.value.code == "termination_pending"


def test_daily_job_flags_overdue(lawyer, contract_in_work, settings):
    settings.CONTRACTS_TERMINATION_DECISION_DAYS = 3
    received = datetime.date.today() - datetime.timedelta(days=5)
    request = services.termination_request_create(actor=lawyer, contract=contract_in_work, reason="Дорого",
                                                  received_on=received)
    assert request.decision_due_on == received + datetime.timedelta(days=3)
    TerminationRequest.objects.filter(pk=request.pk).update(is_overdue=False)
    assert flag_overdue_terminations() == 1
    assert flag_overdue_terminations() == 0  # idempotent
    assert TerminationRequest.objects.get(pk=request.pk).is_overdue


def test_paid_amount_reads_billing_by_default(contract_in_work):
    from legal_crm import hooks

    assert hooks.CONTRACT_PAID_AMOUNT == "legal_crm.billing.selectors.contract_paid_total"
    assert paid_amount(contract_in_work) == Decimal("0.00")
