"""Planned calls: what the operator's day is made of."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.dates import PLANNED, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.leads import perms

from ..models import Lead, PlannedCall
from .common import ensure_lead_in_scope


@transaction.atomic
def planned_call_create(*, actor, lead: Lead, due_at: datetime.datetime, assignee=None,
                        comment: str = "") -> PlannedCall:
    ensure(actor, perms.ADD_PLANNEDCALL)
    ensure_lead_in_scope(actor, lead)
    if due_at is None:
        raise DomainError("due_required", _("Укажите дату и время звонка."), fields={"due_at": _("Обязательное поле.")})
    if due_at < timezone.now() - datetime.timedelta(minutes=5):
        raise DomainError("due_in_past", _("Время звонка уже прошло."), fields={"due_at": _("Укажите будущее время.")})
    date_or_domain_error(due_at, PLANNED, "due_at")
    if assignee is not None and not _works_in(assignee, lead.office_id):
        raise DomainError("assignee_not_in_office", _("Звонок можно поручить только сотруднику офиса лида."),
                          fields={"assignee": _("Выберите сотрудника офиса лида.")})
    call = PlannedCall.objects.create(lead=lead, due_at=due_at, assignee=assignee or lead.assigned_to or actor,
                                      comment=comment[:500], created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="leads.call_planned", obj=call, after={"lead": lead.pk, "due_at": due_at.isoformat()})
    emit("leads.call_planned", call_id=call.pk, lead_id=lead.pk, due_at=due_at.isoformat())
    return call


@transaction.atomic
def planned_call_update(*, actor, call: PlannedCall, due_at: datetime.datetime, comment: str = "") -> PlannedCall:
    """Move an open call to another time or change its comment (the desk's change form)."""
    ensure(actor, perms.CHANGE_PLANNEDCALL)
    call = PlannedCall.objects.select_for_update().select_related("lead").get(pk=call.pk)
    ensure_lead_in_scope(actor, call.lead)
    if call.done_at is not None:
        raise DomainError("call_done", _("Звонок уже отмечен выполненным."))
    if due_at is None:
        raise DomainError("due_required", _("Укажите дату и время звонка."), fields={"due_at": _("Обязательное поле.")})
    comment = (comment or "")[:500]
    if due_at != call.due_at and due_at < timezone.now() - datetime.timedelta(minutes=5):
        raise DomainError("due_in_past", _("Время звонка уже прошло."), fields={"due_at": _("Укажите будущее время.")})
    before = {"due_at": call.due_at.isoformat(), "comment": call.comment}
    call.due_at, call.comment = due_at, comment
    call.save(update_fields=["due_at", "comment"])
    audit(actor=actor, action="leads.call_updated", obj=call, before=before,
          after={"due_at": due_at.isoformat(), "comment": comment})
    return call


def _works_in(user, office_id) -> bool:
    from legal_crm.org.models import Employee

    return user.is_active and Employee.objects.filter(user=user, offices=office_id,
                                                      status=Employee.Status.ACTIVE).exists()


@transaction.atomic
def planned_call_complete(*, actor, call: PlannedCall, result: str, comment: str = "") -> PlannedCall:
    ensure(actor, perms.CHANGE_PLANNEDCALL)
    call = PlannedCall.objects.select_for_update().select_related("lead").get(pk=call.pk)
    ensure_lead_in_scope(actor, call.lead)
    if call.done_at is not None:
        raise DomainError("call_done", _("Звонок уже отмечен выполненным."))
    if result not in PlannedCall.Result.values:
        raise DomainError("invalid_result", _("Выберите результат звонка."), fields={"result": _("Неверное значение.")})
    call.done_at = timezone.now()
    call.result = result
    if comment:
        call.comment = comment[:500]
    call.save()
    audit(actor=actor, action="leads.call_done", obj=call, after={"result": result})
    emit("leads.call_done", call_id=call.pk, lead_id=call.lead_id, result=result)
    return call
