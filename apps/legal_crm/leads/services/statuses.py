"""The status workflow: allowed moves, refusal reasons, hook events, re-engagement."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.leads import perms

from .. import refcache
from ..models import AssignmentLog, Lead, LeadStatus, LeadStatusLog, RefusalReason
from .common import ensure_lead_in_scope

logger = logging.getLogger(__name__)


def allowed_next_statuses(lead: Lead) -> list[LeadStatus]:
    ref = refcache.get()
    ids = {to for frm, to in ref.transitions if frm == lead.status_id}
    # "Client" is reached when the lead's contract is signed (lead_mark_converted), never chosen from the list.
    return sorted((s for pk, s in ref.status_by_pk.items()
                   if pk in ids and s.is_active and not s.is_converted), key=lambda s: s.order)


def is_transition_allowed(from_status_id: int, to_status_id: int) -> bool:
    return (from_status_id, to_status_id) in refcache.get().transitions


def record_status_change(*, lead: Lead, old, new, actor=None, reason=None, comment: str = "") -> None:
    """Log the change and emit the status event (the hook that starts automatic processing)."""
    LeadStatusLog.objects.create(lead=lead, from_status=old, to_status=new, reason=reason,
                                 comment=comment[:500], actor=actor if getattr(actor, "pk", None) else None)
    emit("leads.lead_status_changed", lead_id=lead.pk, from_status=getattr(old, "code", None),
         to_status=new.code, reason=getattr(reason, "code", None),
         actor_id=getattr(actor, "pk", None))
    if new.is_refusal:
        emit("leads.lead_refused", lead_id=lead.pk, status=new.code, reason=getattr(reason, "code", None))
    if new.is_converted:
        emit("leads.lead_converted", lead_id=lead.pk, client_id=lead.client_id)


@transaction.atomic
def lead_set_status(*, actor, lead: Lead, status: LeadStatus, reason: RefusalReason | None = None,
                    comment: str = "", enforce_workflow: bool = True) -> Lead:
    """Move a lead to `status` if the workflow allows it; refusal statuses that need a reason get one."""
    ensure(actor, perms.CHANGE_LEAD, system_ok=True)  # spam rules, call scripts and re-engagement move leads
    lead = Lead.objects.select_for_update().select_related("status").get(pk=lead.pk)
    ensure_lead_in_scope(actor, lead)
    old = lead.status
    if old.pk == status.pk:
        raise DomainError("same_status", _("Лид уже в статусе «%(s)s».") % {"s": status.name},
                          fields={"status": _("Выберите другой статус.")})
    if old.is_spam and not status.is_spam:
        # Leaving spam is a restore: its own permission, back to the initial status, distributed like a new lead.
        from .spam import lead_restore_from_spam

        if status.pk != refcache.initial_status().pk:
            raise DomainError("transition_not_allowed",
                              _("Из спама лид возвращается только в статус «%(s)s».") % {"s": refcache.initial_status().name},
                              fields={"status": _("Такой переход не разрешён.")})
        return lead_restore_from_spam(actor=actor, lead=lead, comment=comment)
    if status.is_converted:
        # A client is a person with a signed contract: the signature sets this status (lead_mark_converted).
        raise DomainError("conversion_required",
                          _("Клиентом лид становится, когда подписан договор: «Оформить договор» в карточке лида, "
                            "затем подпишите договор в его карточке."),
                          fields={"status": _("Оформите и подпишите договор по лиду.")})
    if not status.is_active:
        raise DomainError("status_inactive", _("Статус «%(s)s» больше не используется.") % {"s": status.name},
                          fields={"status": _("Статус не используется.")})
    if enforce_workflow and not is_transition_allowed(old.pk, status.pk):
        raise DomainError(
            "transition_not_allowed",
            _("Из статуса «%(a)s» нельзя перейти в «%(b)s».") % {"a": old.name, "b": status.name},
            fields={"status": _("Такой переход не разрешён.")},
        )
    if status.is_refusal:
        if status.needs_reason and reason is None:
            raise DomainError("reason_required", _("Для статуса «%(s)s» укажите причину отказа.") % {"s": status.name},
                              fields={"refusal_reason": _("Укажите причину отказа.")})
        if reason is not None:
            allowed = set(reason.statuses.values_list("pk", flat=True))
            if allowed and status.pk not in allowed:
                raise DomainError("reason_not_for_status",
                                  _("Причина «%(r)s» не подходит к статусу «%(s)s».")
                                  % {"r": reason.name, "s": status.name},
                                  fields={"refusal_reason": _("Выберите причину для этого статуса.")})
    elif reason is not None:
        reason = None
    now = timezone.now()
    lead.status = status
    lead.status_changed_at = now
    lead.refusal_reason = reason if status.is_refusal else None
    if status.is_spam:
        lead.is_spam = True
    lead.save(update_fields=["status", "status_changed_at", "refusal_reason", "is_spam", "updated_at"])
    record_status_change(lead=lead, old=old, new=status, actor=actor, reason=reason, comment=comment)
    audit(actor=actor, action="leads.status", obj=lead, before={"status": old.code},
          after={"status": status.code, "reason": getattr(reason, "code", None)})
    return lead


def reengage_due_leads(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Re-open refused leads whose status asks for it after N days. Safe to run twice: a lead re-opened
    has left the refusal status and is not picked again."""
    now = now or timezone.now()
    done = 0
    for status in LeadStatus.objects.filter(is_refusal=True, reengage_after_days__isnull=False, is_active=True):
        try:
            cutoff = now - datetime.timedelta(days=status.reengage_after_days)
        except (OverflowError, ValueError):
            # A period saved before the field was bounded (models.statuses.REENGAGE_DAYS_MAX) has no date: this status
            # waits for an administrator, the other statuses' leads still come back.
            logger.warning("lead status %s (%s): re-engagement after %s days has no date, skipped",
                           status.pk, status.code, status.reengage_after_days)
            continue
        target = status.reengage_status or refcache.initial_status()
        ids = list(Lead.objects.filter(status=status, status_changed_at__lte=cutoff)
                   .order_by("status_changed_at").values_list("pk", flat=True)[:batch])
        for pk in ids:
            done += _reengage_one(pk, status, target)
    return done


@transaction.atomic
def _reengage_one(pk: int, status: LeadStatus, target: LeadStatus) -> int:
    lead = Lead.objects.select_for_update().filter(pk=pk, status=status).first()
    if lead is None:
        return 0
    lead.status = target
    lead.status_changed_at = timezone.now()
    lead.refusal_reason = None
    lead.save(update_fields=["status", "status_changed_at", "refusal_reason", "updated_at"])
    record_status_change(lead=lead, old=status, new=target,
                         comment=_("Автоматический возврат в работу через %(n)s дн.") % {"n": status.reengage_after_days})
    AssignmentLog.objects.create(lead=lead, office=lead.office, assigned_to=lead.assigned_to,
                                 previous_office=lead.office, previous_assigned_to=lead.assigned_to,
                                 reason=AssignmentLog.Reason.REENGAGE)
    emit("leads.lead_reengaged", lead_id=lead.pk, from_status=status.code, to_status=target.code)
    return 1
