"""The incoming-call pop-up's «создать лид» for a new number: one click makes a lead «Входящий звонок» of the
call through the intake (or finds the phone's recent lead) and opens its card."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from legal_crm.core.errors import DomainError
from legal_crm.telephony.models import Call

from .. import perms
from ..handlers_telephony import intake_from_call


@require_POST
def lead_from_call_view(request, call_id: int):
    if not request.user.has_perm(perms.ADD_LEAD):
        raise PermissionDenied
    employee = getattr(request.user, "employee", None)
    call = Call.objects.select_related("company_number").filter(pk=call_id, employee=employee).first() \
        if employee is not None else None
    if call is None or not call.client_phone:
        raise Http404
    if call.lead_id is None:
        try:
            with transaction.atomic():
                lead = intake_from_call(call, "incoming_call", actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("admin:index")
        return redirect("leads_lead_card", pk=lead.pk)
    return redirect("leads_lead_card", pk=call.lead_id)
