"""The termination workflow (SPEC 5.6.14): approvals in order, retention, legal deadline, refund."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.text import clean_text

from ..models import Contract, TerminationRequest, TerminationStep, TerminationStepTemplate
from ..money import paid_amount
from ._common import amount_or_error, ensure_contract, local_today, lock

DEFAULT_DECISION_DAYS = 10
RequestStatus = TerminationRequest.Status


def decision_days() -> int:
    """Days to answer a termination request (consumer law: 10 days); settings may change it."""
    return int(getattr(settings, "CONTRACTS_TERMINATION_DECISION_DAYS", DEFAULT_DECISION_DAYS))


def _lock_request(request: TerminationRequest) -> TerminationRequest:
    request = TerminationRequest.objects.select_for_update().select_related("contract").get(pk=request.pk)
    if not request.is_open:
        raise DomainError("termination_closed", _("По заявлению уже принято решение: «%(s)s».")
                          % {"s": request.get_status_display()})
    return request


@transaction.atomic
def termination_request_create(*, actor, contract: Contract, reason: str,
                               received_on: datetime.date | None = None) -> TerminationRequest:
    ensure_contract(actor, contract, perms.ADD_TERMINATIONREQUEST)
    contract = lock(contract)
    if not contract.can_terminate():
        raise DomainError("invalid_transition", _("Договор %(n)s в статусе «%(s)s» расторгнуть нельзя.")
                          % {"n": contract.number, "s": contract.get_status_display()})
    if contract.termination_requests.filter(status=RequestStatus.OPEN).exists():
        raise DomainError("termination_exists", _("По договору %(n)s уже есть заявление на согласовании.")
                          % {"n": contract.number})
    reason = clean_text(reason or "", multiline=True)
    if not reason:
        raise DomainError("termination_reason_required", _("Запишите причину со слов клиента."), fields={"reason": _("Обязательное поле.")})
    today = local_today(contract.office)
    received_on = received_on or today
    if received_on > today:
        raise DomainError("future_date", _("Дата получения заявления не может быть в будущем."),
                          fields={"received_on": _("Укажите сегодняшнюю или прошедшую дату.")})
    date_or_domain_error(received_on, PAST_EVENT, "received_on", today)
    request = TerminationRequest.objects.create(
        contract=contract, received_on=received_on, reason=reason, created_by=actor,
        decision_due_on=received_on + datetime.timedelta(days=decision_days()),
        is_overdue=received_on + datetime.timedelta(days=decision_days()) < today)
    TerminationStep.objects.bulk_create([
        TerminationStep(request=request, order=t.order, title=t.title, group_id=t.group_id)
        for t in TerminationStepTemplate.objects.order_by("order")
    ])
    audit(actor=actor, action="termination.request", obj=contract,
          after={"request": request.pk, "due": request.decision_due_on.isoformat()})
    emit("contracts.termination_requested", contract_id=contract.pk, request_id=request.pk,
         decision_due_on=request.decision_due_on.isoformat())
    return request


@transaction.atomic
def termination_retention_record(*, actor, request: TerminationRequest, text: str) -> TerminationRequest:
    ensure_contract(actor, request.contract, perms.CHANGE_TERMINATIONREQUEST)
    request = _lock_request(request)
    text = clean_text(text or "", multiline=True)
    if not text:
        raise DomainError("retention_required", _("Опишите, что предложили клиенту."),
                          fields={"retention_attempt": _("Обязательное поле.")})
    request.retention_attempt, request.retention_by, request.retention_at = text, actor, timezone.now()
    request.save(update_fields=["retention_attempt", "retention_by", "retention_at", "updated_at"])
    audit(actor=actor, action="termination.retention", obj=request.contract, after={"request": request.pk})
    return request


@transaction.atomic
def termination_step_approve(*, actor, step: TerminationStep, comment: str = "") -> TerminationStep:
    """Agree the next step; only its group's members may, and only in order."""
    ensure_contract(actor, step.request.contract, perms.APPROVE_TERMINATION)
    request = _lock_request(step.request)
    step = TerminationStep.objects.select_related("group").get(pk=step.pk)
    first_pending = request.steps.filter(status=TerminationStep.Status.PENDING).order_by("order").first()
    if first_pending is None or first_pending.pk != step.pk:
        raise DomainError("step_order", _("Сначала должен быть согласован шаг «%(s)s».")
                          % {"s": first_pending.title if first_pending else "—"})
    if not step.approvable_by(actor):
        raise DomainError("access_denied", _("Шаг «%(s)s» согласует группа «%(g)s».")
                          % {"s": step.title, "g": step.group.name})
    step.status, step.decided_by, step.decided_at, step.comment = (
        TerminationStep.Status.APPROVED, actor, timezone.now(), clean_text(comment or "", multiline=True))
    step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    audit(actor=actor, action="termination.approve", obj=request.contract,
          after={"request": request.pk, "step": step.title})
    return step


def refund_for(contract: Contract, accepted_work_amount: Decimal) -> tuple[Decimal, Decimal]:
    """(paid, refund): refund = paid − accepted work, never below zero."""
    paid = paid_amount(contract)
    return paid, max(paid - accepted_work_amount, Decimal("0.00"))


@transaction.atomic
def termination_decide(*, actor, request: TerminationRequest, terminate: bool,
                       accepted_work_amount=None, note: str = "") -> TerminationRequest:
    """Terminate (every step agreed; refund = paid − accepted work) or return the contract to work."""
    ensure_contract(actor, request.contract, perms.DECIDE_TERMINATION)
    request = _lock_request(request)
    contract = lock(request.contract)
    now = timezone.now()
    if terminate:
        pending = list(request.steps.filter(status=TerminationStep.Status.PENDING).values_list("title", flat=True))
        if pending:
            raise DomainError("steps_pending", _("Не согласованы шаги: %(s)s.") % {"s": "; ".join(pending)})
        if accepted_work_amount in (None, ""):
            raise DomainError("accepted_amount_required", _("Укажите стоимость принятых клиентом работ."),
                              fields={"accepted_work_amount": _("Обязательное поле.")})
        accepted = amount_or_error(accepted_work_amount, "accepted_work_amount")
        if not contract.can_terminate():
            raise DomainError("invalid_transition", _("Договор %(n)s в статусе «%(s)s» расторгнуть нельзя.")
                              % {"n": contract.number, "s": contract.get_status_display()})
        paid, refund = refund_for(contract, accepted)
        request.status = RequestStatus.TERMINATED
        request.paid_amount, request.accepted_work_amount, request.refund_amount = paid, accepted, refund
        before = contract.status
        contract.status, contract.terminated_on = Contract.Status.TERMINATED, local_today(contract.office)
        contract.save(update_fields=["status", "terminated_on", "updated_at"])
        audit(actor=actor, action="contract.terminate", obj=contract, before={"status": before},
              after={"status": contract.status, "refund": str(refund)})
    else:
        if not request.retention_attempt:
            raise DomainError("retention_required", _("Запишите попытку удержания: что предложили клиенту."),
                              fields={"retention_attempt": _("Обязательное поле.")})
        request.status = RequestStatus.RETURNED
    request.decided_at, request.decided_by, request.decision_note = now, actor, clean_text(note or "", multiline=True)
    request.is_overdue = request.decision_due_on < local_today(contract.office)
    request.save()
    audit(actor=actor, action="termination.decide", obj=contract,
          after={"request": request.pk, "status": request.status})
    emit("contracts.termination_decided", contract_id=contract.pk, request_id=request.pk, status=request.status,
         refund_amount=_text(request.refund_amount), paid_amount=_text(request.paid_amount),
         accepted_work_amount=_text(request.accepted_work_amount))
    return request


def _text(amount) -> str | None:
    return str(amount) if amount is not None else None
