"""Contracts' automatic tasks (todos): the contract's events call todos with the contract and its people — which
task, when and for whom is the administrators' rule (todos.TaskRule). Also the daily job's "contract without
actions" condition and the contract's link on a task."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.todos.links import scoped_links
from legal_crm.todos.models import Task, TaskRule
from legal_crm.todos.services import queued_tasks_assign, task_cancel, tasks_for_event

from .models import Contract, ContractStage, TerminationRequest

RECORD = "contracts.contract"


def _people(contract: Contract) -> dict:
    return {"lawyer": list(contract.lawyers.all()), "seller": contract.sales_manager}


def _label(contract: Contract) -> str:
    return _("Договор %(number)s, %(client)s") % {"number": contract.number, "client": contract.client}


def _event(trigger: str, contract: Contract, on: datetime.date, **context) -> None:
    tasks_for_event(trigger=trigger, record_type=RECORD, record_id=contract.pk, office_id=contract.office_id,
                    candidates=_people(contract), on=on, label=_label(contract), context=context)


def on_contract_signed(*, contract_id: int, signed_on: str | None = None, **_payload) -> None:
    contract = Contract.objects.select_related("client").filter(pk=contract_id).first()
    if contract is not None:
        _event("contract_signed", contract, datetime.date.fromisoformat(signed_on) if signed_on
               else contract.signed_on or datetime.date.today())


def on_contract_work_started(*, contract_id: int, **_payload) -> None:
    """Tasks meant for the contract's lawyer that waited in the office's queue (signed before a lawyer was named)
    go to the lawyer now."""
    contract = Contract.objects.filter(pk=contract_id).first()
    if contract is not None:
        queued_tasks_assign(record_type=RECORD, record_id=contract.pk, role="lawyer",
                            people=list(contract.lawyers.all()))


def on_stage_started(*, contract_id: int, stage_id: int, **_payload) -> None:
    stage = ContractStage.objects.select_related("contract__client").filter(pk=stage_id).first()
    if stage is not None and stage.started_at is not None:
        from django.utils import timezone

        _event("stage_started", stage.contract, timezone.localdate(stage.started_at), stage=stage.name)


def on_hearing_date_set(*, contract_id: int, hearing_on: str, previous: str | None = None, **_payload) -> None:
    """The preparation the day before and the hearing itself on the lawyer's day; a moved hearing's old tasks
    are cancelled."""
    contract = Contract.objects.select_related("client").filter(pk=contract_id).first()
    if contract is None:
        return
    if previous and previous != hearing_on:
        rules = TaskRule.objects.filter(trigger="hearing_set").values_list("pk", flat=True)
        keys = [f"r{pk}:{RECORD}:{contract.pk}:{previous}" for pk in rules]
        for task in Task.objects.filter(auto_key__in=keys, status=Task.Status.NEW):
            task_cancel(actor=None, task=task, reason=_("Заседание перенесено на %(date)s.") % {
                "date": f"{datetime.date.fromisoformat(hearing_on):%d.%m.%Y}"})
    _event("hearing_set", contract, datetime.date.fromisoformat(hearing_on))


def on_termination_requested(*, contract_id: int, request_id: int, **_payload) -> None:
    """The rule's days count back from the answer deadline (0: on the deadline)."""
    request = TerminationRequest.objects.select_related("contract__client").filter(pk=request_id).first()
    if request is not None:
        _event("termination_requested", request.contract, request.decision_due_on)


def _cancel_open_auto_tasks(contract_id: int, reason: str) -> None:
    """The rules' open tasks on a contract that has ended are cancelled: a finished or terminated contract's «collect
    the documents» stayed on the lawyer's day. Tasks people set by hand stay: someone may still have to act."""
    for task in Task.objects.filter(record_type=RECORD, record_id=str(contract_id), auto_key__isnull=False,
                                    status__in=Task.OPEN):
        task_cancel(actor=None, task=task, reason=reason)


def on_contract_completed(*, contract_id: int, **_payload) -> None:
    _cancel_open_auto_tasks(contract_id, _("Договор исполнен."))


def on_termination_decided(*, contract_id: int, status: str, **_payload) -> None:
    if status == TerminationRequest.Status.TERMINATED:
        _cancel_open_auto_tasks(contract_id, _("Договор расторгнут."))


def contracts_idle_days(*, params: dict, today: datetime.date):
    """Contracts in work whose last action (or the start of work) was exactly `days` days ago."""
    day = today - datetime.timedelta(days=int(params["days"]))
    rows = (Contract.objects.filter(status=Contract.Status.IN_WORK)
            .annotate(last=Max("actions__happened_on"))
            .filter(Q(last=day) | Q(last__isnull=True, work_started_on=day))
            .select_related("client").prefetch_related("lawyers"))
    for contract in rows.iterator(chunk_size=500):
        yield {"record_type": RECORD, "record_id": contract.pk, "office_id": contract.office_id,
               "candidates": _people(contract), "label": _label(contract)}


def contract_links(ids, user) -> dict:
    from .selectors import contract_list_visible_to

    titles = {pk: _("Договор %(n)s") % {"n": number}
              for pk, number in Contract.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "number")}
    return scoped_links(titles, contract_list_visible_to(user),
                        lambda pk: reverse("admin:contracts_contract_change", args=[pk]))
