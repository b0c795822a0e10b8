"""Rows telephony adds to the lead card's timeline (hooks.LEAD_TIMELINE_SOURCES): the person's calls."""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import Call
from .selectors import call_list_visible_to


def _talk(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def lead_timeline(lead, lead_ids, user, client_ids=()) -> list[dict]:
    condition = Q(lead_id__in=list(lead_ids))
    if client_ids:
        condition |= Q(counterparty_id__in=list(client_ids))
    rows = []
    for call in call_list_visible_to(user).filter(condition).exclude(result=Call.Result.FAILED)[:30]:
        title = _("%(dir)s звонок: %(result)s") % {
            "dir": call.get_direction_display(),
            "result": call.get_result_display() if call.result else call.get_state_display()}
        parts = [str(call.employee) if call.employee_id else "",
                 _("разговор %(t)s") % {"t": _talk(call.duration)} if call.duration else "",
                 call.get_outcome_display() if call.outcome else "", call.comment]
        try:
            url = reverse("admin:telephony_call_change", args=[call.pk])
        except NoReverseMatch:
            url = ""
        rows.append({"at": call.started_at, "kind": "call", "lead_id": call.lead_id, "title": title,
                     "text": " · ".join(p for p in parts if p), "url": url})
    return rows
