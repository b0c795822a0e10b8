"""Leads react to calls (hooks.DOC_EVENTS "telephony.*"): an incoming call becomes or joins a lead, a click-to-call
closes the planned call it answered. Idempotent: a call already linked to a lead is not taken in again, a planned
call already done is left as it is."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.errors import DomainError
from legal_crm.core.models import User
from legal_crm.telephony.models import Call
from legal_crm.telephony.services import call_link

from .models import Lead, PlannedCall
from .services.calls import planned_call_complete
from .services.intake import IntakeData, lead_intake

logger = logging.getLogger("legal_crm.leads.telephony")

# An incoming call's result → the type of the lead it makes (reference data: leads/reference.py).
LEAD_TYPES = {Call.Result.ANSWERED: "incoming_call", Call.Result.MISSED: "missed_call",
              Call.Result.BUSY: "missed_call", Call.Result.DROPPED: "dropped_call"}
COMMENTS = {"incoming_call": gettext_lazy("Входящий звонок"),
            "missed_call": gettext_lazy("Пропущенный звонок: перезвоните"),
            "dropped_call": gettext_lazy("Звонок сорвался в первые секунды: перезвоните")}


def intake_from_call(call: Call, lead_type: str, *, actor=None) -> Lead:
    """The call's lead through the intake: a new lead of the type, or the phone's recent lead (re-opened if it was
    refused) within the dedup window; distributed like every lead. The call is linked in the same transaction."""
    data = IntakeData(phone=call.client_phone, lead_type=lead_type, comment=str(COMMENTS.get(lead_type, "")),
                      source=(call.company_number.ad_source_code or None) if call.company_number_id else None)
    # The office whose number was called (or whose employee it rang) keeps the lead when the distribution rules
    # would send it nowhere or elsewhere: the caller expects that office to call back.
    offices = {call.office_id} if call.office_id else None
    try:
        lead, _created = lead_intake(actor=actor, data=data, offices=offices, within_transaction=True)
    except DomainError as exc:
        if exc.code != "unknown_source":
            raise
        data.source = None  # a number tied to a source that was switched off still gives a lead
        lead, _created = lead_intake(actor=actor, data=data, offices=offices, within_transaction=True)
    call_link(actor_or_none=None, call_id=call.pk, lead_id=lead.pk, counterparty_id=lead.client_id)
    return lead


def on_call_ended(*, call_id: int, direction: str, result: str, **_payload) -> None:
    call = Call.objects.select_related("company_number", "employee__user").filter(pk=call_id).first()
    if call is None:
        return
    if direction == Call.Direction.OUT:
        if call.planned_call_id and result == Call.Result.ANSWERED:
            _close_planned(call.planned_call_id, actor=getattr(call.employee, "user", None),
                           result=PlannedCall.Result.REACHED,
                           comment=_("Звонок через АТС, разговор %(s)s с") % {"s": call.duration})
        return
    if call.lead_id is not None or not call.client_phone or result not in LEAD_TYPES:
        return  # linked already (a retry, or «создать лид» in the pop-up), or no number to call back
    if result == Call.Result.ANSWERED:
        known = Lead.objects.filter(phone=call.client_phone).order_by("-created_at", "-id").first()
        if known is not None:  # a person we know called and was answered: the call joins their lead
            call_link(actor_or_none=None, call_id=call.pk, lead_id=known.pk, counterparty_id=known.client_id)
            return
    intake_from_call(call, LEAD_TYPES[result])


def on_call_result_saved(*, call_id: int, planned_call_id: int | None, outcome: str, comment: str = "",
                         actor_id: int | None = None, **_payload) -> None:
    if planned_call_id:
        _close_planned(planned_call_id, actor=User.objects.filter(pk=actor_id).first(), result=outcome,
                       comment=comment)


def _close_planned(pk: int, *, actor, result: str, comment: str) -> None:
    planned = PlannedCall.objects.open().filter(pk=pk).first()
    if planned is None or actor is None:
        return
    try:
        planned_call_complete(actor=actor, call=planned, result=result, comment=comment)
    except DomainError as exc:
        # The employee may not close planned calls (or no longer sees the lead): the call stays in the log and
        # the planned call on the agenda, for someone who may.
        logger.info("planned call %s not closed after call: %s", pk, exc.message)
