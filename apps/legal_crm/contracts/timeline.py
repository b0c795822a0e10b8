"""Rows the contracts module adds to the lead card's timeline (hooks.LEAD_TIMELINE_SOURCES)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.formatting import format_money

from .selectors import contract_list_visible_to


def lead_timeline(lead, lead_ids, user, client_ids=()) -> list[dict]:
    """The person's contracts (made from any of their leads, or for their client cards), one query."""
    condition = Q(lead_id__in=list(lead_ids))
    if client_ids:
        condition |= Q(client_id__in=list(client_ids))
    rows = []
    for contract in contract_list_visible_to(user).filter(condition).select_related("service")[:20]:
        rows.append({
            "at": contract.created_at, "kind": "contract", "lead_id": contract.lead_id,
            "title": _("Договор %(n)s: %(s)s") % {"n": contract.number, "s": contract.get_status_display()},
            "text": f"{contract.service.name}, {format_money(contract.price)}",
            "url": reverse("admin:contracts_contract_change", args=[contract.pk]),
        })
    return rows
