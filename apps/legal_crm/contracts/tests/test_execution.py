import datetime
from decimal import Decimal
from unittest import mock

import pytest

from legal_crm.contracts import services
from legal_crm.contracts.models import ActionType, ContractStage
from legal_crm.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _stage(contract, name):
    return contract.stages.get(name=name)


def test_stage_finish_starts_next_and_skip_only_optional(lawyer, contract_in_work):
    first = contract_in_work.stages.order_by("order").first()
    services.stage_finish(actor=lawyer, stage=first)
    first.refresh_from_db()
    assert first.status == ContractStage.Status.DONE and first.finished_at
    second = contract_in_work.stages.order_by("order")[1]
    assert second.status == ContractStage.Status.IN_PROGRESS
    with pytest.raises(DomainError) as exc:
        services.stage_finish(actor=lawyer, stage=second, skip=True)
    assert exc.value.code == "stage_required"
    optional = _stage(contract_in_work, "Оставление без движения")
    services.stage_finish(actor=lawyer, stage=optional, skip=True)
    optional.refresh_from_db()
    assert optional.status == ContractStage.Status.SKIPPED
    with pytest.raises(DomainError) as exc:
        services.stage_finish(actor=lawyer, stage=first)
    assert exc.value.code == "invalid_transition"


def test_stage_due_dates_follow_planned_days(contract_in_work):
    stages = list(contract_in_work.stages.order_by("order"))
    start = contract_in_work.work_started_on
    assert stages[0].due_on == start + datetime.timedelta(days=1)
    assert stages[2].due_on == start + datetime.timedelta(days=1 + 1 + 30)


def test_expenses_and_extra_work(lawyer, contract_in_work):
    stage = _stage(contract_in_work, "Заявление подано в арбитражный суд")
    services.stage_expense_add(actor=lawyer, stage=stage, title="Госпошлина", amount="300")
    services.stage_expense_add(actor=lawyer, stage=stage, title="Депозит суда", amount=Decimal("25000.00"))
    assert sum(e.amount for e in stage.expenses.all()) == Decimal("25300.00")
    refused = {"0": "amount_not_positive", "-5": "amount_not_positive", "abc": "amount_invalid",
               "NaN": "amount_invalid", "Infinity": "amount_invalid", "1e20": "amount_invalid",
               "1e308": "amount_invalid", "12.345": "amount_precision", 12.5: "amount_float"}
    for bad, code in refused.items():
        with pytest.raises(DomainError) as exc:
            services.stage_expense_add(actor=lawyer, stage=stage, title="Почта", amount=bad)
        assert exc.value.code == code and "amount" in exc.value.fields
    work = services.extra_work_add(actor=lawyer, stage=stage, description="Ходатайство об отложении")
    assert work.amount == 0


def test_stage_changes_need_contract_in_work(lawyer, make_contract):
    contract = make_contract(status="signed", lawyers=[lawyer])
    stage = ContractStage.objects.create(contract=contract, order=1, name="Этап")
    with pytest.raises(DomainError) as exc:
        services.stage_finish(actor=lawyer, stage=stage)
    assert exc.value.code == "not_in_work"


def test_action_published_emits_event(lawyer, contract_in_work, django_capture_on_commit_callbacks):
    filed = ActionType.objects.get(code="application-filed")
    with mock.patch("legal_crm.contracts.services.execution.emit") as emit:
        action = services.action_add(actor=lawyer, contract=contract_in_work, action_type=filed,
                                     text="Арбитражный суд г. Москвы")
    assert action.published_to_portal and action.published_at
    emit.assert_called_once()
    name, kwargs = emit.call_args.args[0], emit.call_args.kwargs
    assert name == "contracts.action_published"
    assert kwargs["contract_id"] == contract_in_work.pk
    assert "Арбитражный суд г. Москвы" in kwargs["notification_text"]


def test_internal_action_not_published_until_toggled(lawyer, contract_in_work):
    note = ActionType.objects.get(code="internal-note")
    with mock.patch("legal_crm.contracts.services.execution.emit") as emit:
        action = services.action_add(actor=lawyer, contract=contract_in_work, action_type=note, text="Позвонить")
        assert not action.published_to_portal
        emit.assert_not_called()
        services.action_publish(actor=lawyer, action=action, published=True)
        emit.assert_called_once()
        services.action_publish(actor=lawyer, action=action, published=True)  # again: nothing new
        emit.assert_called_once()
    action.refresh_from_db()
    assert action.published_to_portal


def test_action_type_must_fit_service_and_date(lawyer, contract_in_work):
    complaint = ActionType.objects.get(code="complaint-filed")  # only "Защита от коллекторов"
    with pytest.raises(DomainError) as exc:
        services.action_add(actor=lawyer, contract=contract_in_work, action_type=complaint)
    assert exc.value.code == "action_type_not_for_service"
    note = ActionType.objects.get(code="internal-note")
    with pytest.raises(DomainError) as exc:
        services.action_add(actor=lawyer, contract=contract_in_work, action_type=note,
                            happened_on=datetime.date.today() + datetime.timedelta(days=2))
    assert exc.value.code == "future_date"


def test_declared_events_exist():
    from legal_crm import hooks

    for event in ("contracts.action_published", "contracts.contract_signed", "contracts.termination_decided"):
        assert event in hooks.DOC_EVENTS


def test_client_view_shows_only_published(lawyer, contract_in_work):
    from legal_crm.contracts.selectors import client_view

    filed = ActionType.objects.get(code="application-filed")
    note = ActionType.objects.get(code="internal-note")
    services.action_add(actor=lawyer, contract=contract_in_work, action_type=filed, text="Подано")
    services.action_add(actor=lawyer, contract=contract_in_work, action_type=note, text="Внутреннее")
    view = client_view(contract_in_work)
    assert view["stage"] == "Консультация юриста"
    assert [a.text for a in view["actions"]] == ["Подано"]
    assert view["next_date"] == contract_in_work.stages.get(order=1).due_on
    assert view["documents"] == []


# --- the order of stages (issue 10, item 12) -------------------------------------------------------------

def _ordered(contract):
    return list(contract.stages.order_by("order"))


def _status(stage):
    stage.refresh_from_db()
    return stage.status


def test_only_one_stage_in_progress(lawyer, contract_in_work):
    first, second = _ordered(contract_in_work)[:2]
    assert first.status == ContractStage.Status.IN_PROGRESS
    with pytest.raises(DomainError) as exc:
        services.stage_start(actor=lawyer, stage=second)
    assert exc.value.code == "stage_in_progress"
    assert "Консультация" in exc.value.message
    assert _status(second) == ContractStage.Status.PENDING


def test_starting_a_stage_needs_earlier_mandatory_stages_finished(lawyer, contract_in_work):
    stages = _ordered(contract_in_work)
    ContractStage.objects.filter(pk=stages[0].pk).update(status=ContractStage.Status.PENDING, started_at=None)
    with pytest.raises(DomainError) as exc:
        services.stage_start(actor=lawyer, stage=stages[2])
    assert exc.value.code == "stage_order"
    assert "«Консультация»" in exc.value.message
    services.stage_start(actor=lawyer, stage=stages[0])  # the first one may start
    assert _status(stages[0]) == ContractStage.Status.IN_PROGRESS


def test_finishing_a_later_stage_while_an_earlier_is_open_is_refused(lawyer, contract_in_work):
    stages = _ordered(contract_in_work)
    with pytest.raises(DomainError) as exc:
        services.stage_finish(actor=lawyer, stage=stages[3])
    assert exc.value.code == "stage_order"
    assert _status(stages[3]) == ContractStage.Status.PENDING
    assert _status(stages[0]) == ContractStage.Status.IN_PROGRESS


def test_optional_stage_may_be_skipped_ahead_without_starting_another(lawyer, contract_in_work):
    optional = _stage(contract_in_work, "Оставление без движения")
    services.stage_finish(actor=lawyer, stage=optional, skip=True)
    assert _status(optional) == ContractStage.Status.SKIPPED
    running = contract_in_work.stages.filter(status=ContractStage.Status.IN_PROGRESS)
    assert [s.name for s in running] == ["Консультация"]


def test_earlier_optional_stage_is_skipped_when_the_next_one_goes_on(lawyer, contract_in_work):
    stages = _ordered(contract_in_work)
    optional = _stage(contract_in_work, "Оставление без движения")
    for stage in stages:
        if stage.order >= optional.order:
            break
        services.stage_finish(actor=lawyer, stage=stage)
    assert _status(optional) == ContractStage.Status.IN_PROGRESS  # started by the previous stage's finish
    # The optional stage did not happen: the lawyer goes on with the next one once the optional one is closed.
    after = _stage(contract_in_work, "Заседание по проверке обоснованности")
    with pytest.raises(DomainError) as exc:
        services.stage_start(actor=lawyer, stage=after)
    assert exc.value.code == "stage_in_progress"
    services.stage_finish(actor=lawyer, stage=after)  # finishing the next one closes the optional one as skipped
    assert _status(optional) == ContractStage.Status.SKIPPED
    assert _status(after) == ContractStage.Status.DONE
    assert contract_in_work.stages.filter(status=ContractStage.Status.IN_PROGRESS).count() == 1


def test_pending_optional_stage_before_the_started_one_is_skipped(lawyer, contract_in_work):
    stages = _ordered(contract_in_work)
    optional = _stage(contract_in_work, "Оставление без движения")
    ContractStage.objects.filter(contract=contract_in_work, order__lt=optional.order).update(
        status=ContractStage.Status.DONE)
    after = _stage(contract_in_work, "Заседание по проверке обоснованности")
    services.stage_start(actor=lawyer, stage=after)
    assert _status(optional) == ContractStage.Status.SKIPPED
    assert _status(after) == ContractStage.Status.IN_PROGRESS
    assert stages[0].order < optional.order
