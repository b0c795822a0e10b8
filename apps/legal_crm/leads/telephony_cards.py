"""What leads answer telephony (hooks.TELEPHONY_*): who is calling, what a «Позвонить» button on the lead card or
a planned call stands for, the pop-up's «создать лид», and whether a user sees a call's lead."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.directory.selectors import counterparty_list_visible_to

from .models import PlannedCall
from .selectors import lead_list_visible_to


def caller_cards(phone: str, user) -> list[dict]:
    """The caller's leads (latest first) and client cards the user sees, found by the E.164 phone (indexed)."""
    cards = []
    for lead in lead_list_visible_to(user).filter(phone=phone).order_by("-created_at", "-id")[:3]:
        cards.append({"kind": "lead", "title": lead.name or lead.phone_display,
                      "subtitle": _("Лид · %(status)s · %(office)s") % {
                          "status": lead.status.name, "office": lead.office.name if lead.office_id else "—"},
                      "url": reverse("leads_lead_card", args=[lead.pk])})
    for client in counterparty_list_visible_to(user).filter(phone=phone)[:3]:
        cards.append({"kind": "client", "title": str(client), "subtitle": _("Клиент"),
                      "url": reverse("admin:directory_counterparty_change", args=[client.pk])})
    return cards


def lead_subject(pk: int, user) -> dict | None:
    """The lead's phone; the call answers the user's earliest open planned call of the lead, if there is one (an
    answered call closes it)."""
    lead = lead_list_visible_to(user).filter(pk=pk).first()
    if lead is None:
        return None
    planned = (PlannedCall.objects.open().filter(lead=lead, assignee=user).order_by("due_at")
               .values_list("pk", flat=True).first())
    return {"phone": lead.phone, "office_id": lead.office_id, "lead_id": lead.pk, "counterparty_id": lead.client_id,
            "planned_call_id": planned}


def planned_call_subject(pk: int, user) -> dict | None:
    call = (PlannedCall.objects.open().filter(pk=pk, lead__in=lead_list_visible_to(user))
            .select_related("lead").first())
    if call is None:
        return None
    lead = call.lead
    return {"phone": lead.phone, "office_id": lead.office_id, "lead_id": lead.pk, "counterparty_id": lead.client_id,
            "planned_call_id": call.pk}


def new_lead_url(call) -> str:
    return reverse("leads_lead_from_call", args=[call.pk])


def call_access(call, user) -> bool | None:
    if call.lead_id is None:
        return None
    return lead_list_visible_to(user).filter(pk=call.lead_id).exists()
