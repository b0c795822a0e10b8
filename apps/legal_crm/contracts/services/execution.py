"""Execution (SPEC 5.3.2, 5.3.3): stages with expenses and extra work, and the log of actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import allowed, denied
from legal_crm.core.text import clean_text

from ..models import ActionType, Contract, ContractAction, ContractStage, ExtraWork, StageExpense
from ._common import amount_or_error, ensure_contract, local_today, lock

StageStatus = ContractStage.Status


def _ensure_in_work(contract: Contract) -> None:
    if not contract.can_change_stages():
        raise DomainError("not_in_work", _("Договор %(number)s не в работе: этапы меняются только в работе.")
                          % {"number": contract.number})


def _ensure_expenses_allowed(contract: Contract) -> None:
    if not contract.can_add_expense():
        raise DomainError("not_in_work", _("Договор %(number)s не в работе: расходы и доп. работы записываются только "
                                           "по договору в работе.") % {"number": contract.number})


def _ensure_earlier_finished(stage: ContractStage) -> None:
    """Stages go in order: every earlier mandatory stage is finished before a later one starts or finishes."""
    blocking = (ContractStage.objects.filter(contract_id=stage.contract_id, order__lt=stage.order,
                                             is_optional=False)
                .exclude(status=StageStatus.DONE).order_by("order").first())
    if blocking is not None:
        raise DomainError("stage_order",
                          _("Сначала завершите этап «%(earlier)s»: этапы идут по порядку, «%(name)s» — после него.")
                          % {"earlier": blocking.name, "name": stage.name})


def _skip_earlier_optional(stage: ContractStage, now) -> None:
    """Optional stages left open before the one that starts (or finishes) did not happen in this case."""
    for earlier in ContractStage.objects.filter(contract_id=stage.contract_id, order__lt=stage.order,
                                                is_optional=True,
                                                status__in=(StageStatus.PENDING, StageStatus.IN_PROGRESS)):
        earlier.status, earlier.finished_at = StageStatus.SKIPPED, now
        earlier.save(update_fields=["status", "finished_at"])


@transaction.atomic
def stage_start(*, actor, stage: ContractStage) -> ContractStage:
    ensure_contract(actor, stage.contract, perms.CHANGE_CONTRACTSTAGE)
    lock(stage.contract)
    stage = ContractStage.objects.select_for_update().get(pk=stage.pk)
    _ensure_in_work(stage.contract)
    if stage.status != StageStatus.PENDING:
        raise DomainError("invalid_transition", _("Этап «%(name)s» уже %(status)s.")
                          % {"name": stage.name, "status": stage.get_status_display().lower()})
    running = (ContractStage.objects.filter(contract_id=stage.contract_id, status=StageStatus.IN_PROGRESS)
               .exclude(pk=stage.pk).order_by("order").first())
    if running is not None:
        raise DomainError("stage_in_progress",
                          _("Сейчас идёт этап «%(running)s»: завершите его, прежде чем начинать «%(name)s».")
                          % {"running": running.name, "name": stage.name})
    _ensure_earlier_finished(stage)
    now = timezone.now()
    _skip_earlier_optional(stage, now)
    stage.status, stage.started_at = StageStatus.IN_PROGRESS, now
    stage.save(update_fields=["status", "started_at"])
    audit(actor=actor, action="stage.start", obj=stage.contract, after={"stage": stage.name})
    emit("contracts.stage_started", contract_id=stage.contract_id, stage_id=stage.pk, stage=stage.name)
    return stage


@transaction.atomic
def stage_finish(*, actor, stage: ContractStage, skip: bool = False, note: str = "") -> ContractStage:
    """Finish (or skip an optional) stage; the next pending stage starts by itself."""
    ensure_contract(actor, stage.contract, perms.CHANGE_CONTRACTSTAGE)
    lock(stage.contract)
    stage = ContractStage.objects.select_for_update().get(pk=stage.pk)
    _ensure_in_work(stage.contract)
    if stage.is_closed:
        raise DomainError("invalid_transition", _("Этап «%(name)s» уже закрыт.") % {"name": stage.name})
    if skip and not stage.is_optional:
        raise DomainError("stage_required", _("Этап «%(name)s» обязательный: его нельзя пропустить.")
                          % {"name": stage.name})
    now = timezone.now()
    if not skip:
        # Skipping an optional stage ahead of time is a decision ("no auction in this case"), not work done out of
        # order; finishing one is work, so every earlier mandatory stage must be finished first.
        _ensure_earlier_finished(stage)
        _skip_earlier_optional(stage, now)
    stage.status = StageStatus.SKIPPED if skip else StageStatus.DONE
    stage.started_at = stage.started_at or now
    stage.finished_at = now
    if note:
        stage.note = note
    stage.save(update_fields=["status", "started_at", "finished_at", "note"])
    stages = ContractStage.objects.filter(contract_id=stage.contract_id)
    if not stages.filter(status=StageStatus.IN_PROGRESS).exists():
        upcoming = stages.filter(order__gt=stage.order, status=StageStatus.PENDING).order_by("order").first()
        if upcoming is not None and not stages.filter(order__lt=upcoming.order, is_optional=False).exclude(
                status=StageStatus.DONE).exists():
            upcoming.status, upcoming.started_at = StageStatus.IN_PROGRESS, now
            upcoming.save(update_fields=["status", "started_at"])
            emit("contracts.stage_started", contract_id=upcoming.contract_id, stage_id=upcoming.pk,
                 stage=upcoming.name)
    audit(actor=actor, action="stage.skip" if skip else "stage.finish", obj=stage.contract,
          after={"stage": stage.name})
    emit("contracts.stage_finished", contract_id=stage.contract_id, stage_id=stage.pk,
         client_visible=stage.client_visible)
    return stage


def _positive(amount, field: str, *, allow_zero: bool = False) -> Decimal:
    return amount_or_error(amount, field, allow_zero=allow_zero)


@transaction.atomic
def stage_expense_add(*, actor, stage: ContractStage, title: str, amount, spent_on=None) -> StageExpense:
    ensure_contract(actor, stage.contract, perms.ADD_STAGEEXPENSE)
    _ensure_expenses_allowed(stage.contract)
    title = clean_text(title or "")
    if not title:
        raise DomainError("expense_title_required", _("Укажите, на что потрачено."), fields={"title": _("Обязательное поле.")})
    today = local_today(stage.contract.office)
    spent_on = date_or_domain_error(spent_on or today, PAST_EVENT, "spent_on", today)
    expense = StageExpense.objects.create(stage=stage, title=title, amount=_positive(amount, "amount"),
                                          spent_on=spent_on, author=actor)
    audit(actor=actor, action="stage.expense", obj=stage.contract,
          after={"stage": stage.name, "title": expense.title, "amount": str(expense.amount)})
    return expense


@transaction.atomic
def extra_work_add(*, actor, stage: ContractStage, description: str, amount=0, done_on=None) -> ExtraWork:
    ensure_contract(actor, stage.contract, perms.ADD_EXTRAWORK)
    _ensure_expenses_allowed(stage.contract)
    description = clean_text(description or "", multiline=True)
    if not description:
        raise DomainError("work_description_required", _("Опишите выполненную работу."), fields={"description": _("Обязательное поле.")})
    today = local_today(stage.contract.office)
    done_on = date_or_domain_error(done_on or today, PAST_EVENT, "done_on", today)
    work = ExtraWork.objects.create(stage=stage, description=description,
                                    amount=_positive(amount, "amount", allow_zero=True), done_on=done_on,
                                    author=actor)
    audit(actor=actor, action="stage.extra_work", obj=stage.contract,
          after={"stage": stage.name, "description": work.description, "amount": str(work.amount)})
    return work


def _emit_published(action: ContractAction) -> None:
    contract = action.contract
    text = action.action_type.notification_text or action.action_type.name
    try:
        notification = text.format(contract=contract.number, date=action.happened_on.strftime("%d.%m.%Y"),
                                   text=action.text)
    except (KeyError, IndexError, ValueError):
        notification = text
    emit("contracts.action_published", contract_id=contract.pk, action_id=action.pk, client_id=contract.client_id,
         action_type=action.action_type.code, notification_text=notification)


@transaction.atomic
def action_add(*, actor, contract: Contract, action_type: ActionType, text: str = "",
               happened_on: datetime.date | None = None, publish: bool | None = None) -> ContractAction:
    """Record work done; published to the portal when asked, or by default when its type says so. Publishing to
    the client takes the right the desk's publish toggle takes (action_publish: change), not only the right to
    add: an action that would be published is refused for an actor without it, whoever calls (desk, API)."""
    ensure_contract(actor, contract, perms.ADD_CONTRACTACTION)
    publish = action_type.publish_to_portal if publish is None else publish
    if publish and not allowed(actor, perms.CHANGE_CONTRACTACTION):
        raise denied(perms.CHANGE_CONTRACTACTION, _(
            "Недостаточно прав, чтобы публиковать действия клиенту (нужно право «%(right)s»): запишите действие "
            "без публикации.") % {"right": perms.CHANGE_CONTRACTACTION.label})
    if not action_type.is_active:
        raise DomainError("action_type_inactive", _("Тип действия «%(t)s» больше не используется.")
                          % {"t": action_type}, fields={"action_type": _("Выберите другой тип.")})
    if action_type.services.exists() and not action_type.services.filter(pk=contract.service_id).exists():
        raise DomainError("action_type_not_for_service",
                          _("Тип действия «%(t)s» не применяется в услуге «%(s)s».")
                          % {"t": action_type, "s": contract.service},
                          fields={"action_type": _("Выберите тип, доступный для услуги.")})
    if not contract.can_add_action():
        raise DomainError("contract_closed", _("Договор %(number)s расторгнут: новые действия не записываются.")
                          % {"number": contract.number})
    today = local_today(contract.office)
    happened_on = happened_on or today
    if happened_on > today:
        raise DomainError("future_date", _("Действие не может быть датировано будущим днём."),
                          fields={"happened_on": _("Укажите сегодняшнюю или прошедшую дату.")})
    date_or_domain_error(happened_on, PAST_EVENT, "happened_on", today)
    action = ContractAction.objects.create(
        contract=contract, action_type=action_type, text=clean_text(text or "", multiline=True), happened_on=happened_on, author=actor,
        published_to_portal=publish, published_at=timezone.now() if publish else None)
    audit(actor=actor, action="action.add", obj=contract,
          after={"action": action.pk, "type": action_type.code, "published": publish})
    if publish:
        _emit_published(action)
    return action


@transaction.atomic
def action_publish(*, actor, action: ContractAction, published: bool) -> ContractAction:
    ensure_contract(actor, action.contract, perms.CHANGE_CONTRACTACTION)
    action = ContractAction.objects.select_for_update().select_related("contract", "action_type").get(pk=action.pk)
    if action.published_to_portal == published:
        return action
    action.published_to_portal = published
    action.published_at = timezone.now() if published else None
    action.save(update_fields=["published_to_portal", "published_at", "updated_at"])
    audit(actor=actor, action="action.publish" if published else "action.unpublish", obj=action.contract,
          after={"action": action.pk})
    if published:
        _emit_published(action)
    return action
