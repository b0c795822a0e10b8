"""Leads' automatic tasks (todos): a lead given to its operator, and a lead's link on a task."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.validators import format_phone
from legal_crm.todos.links import scoped_links
from legal_crm.todos.services import tasks_for_event

from .models import Lead

RECORD = "leads.lead"


def on_lead_assigned(*, lead_id: int, office_id: int | None = None, assigned_to_id: int | None = None,
                     **_payload) -> None:
    lead = Lead.objects.select_related("assigned_to").filter(pk=lead_id).first()
    if lead is None or lead.office_id is None or lead.assigned_to_id is None:
        return
    tasks_for_event(trigger="lead_assigned", record_type=RECORD, record_id=lead.pk, office_id=lead.office_id,
                    candidates={"owner": lead.assigned_to}, on=timezone.localdate(),
                    label=_("Лид %(name)s") % {"name": lead.name or format_phone(lead.phone)})


def lead_links(ids, user) -> dict:
    from .selectors.lists import lead_list_visible_to

    titles = {pk: _("Лид %(name)s") % {"name": name or format_phone(phone)}
              for pk, name, phone in Lead.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "name",
                                                                                                 "phone")}
    return scoped_links(titles, lead_list_visible_to(user), lambda pk: reverse("leads_lead_card", args=[pk]))


def planned_call_links(ids, user) -> dict:
    """A planned call as a record of another module (quality's violations): its time and lead, to the lead card."""
    from .models import PlannedCall
    from .selectors.lists import planned_calls_visible_to

    calls = {call.pk: call for call in PlannedCall.objects.filter(pk__in=[int(i) for i in ids]).select_related("lead")}
    titles = {pk: _("Звонок %(at)s, %(lead)s") % {"at": f"{timezone.localtime(call.due_at):%d.%m.%Y %H:%M}",
                                                  "lead": call.lead} for pk, call in calls.items()}
    return scoped_links(titles, planned_calls_visible_to(user),
                        lambda pk: reverse("leads_lead_card", args=[calls[pk].lead_id]))
