"""Rows billing adds to the lead card's timeline (hooks.LEAD_TIMELINE_SOURCES): the person's payments."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.formatting import format_money as format_rub

from .selectors import payment_list_visible_to

LIMIT = 20


def lead_timeline(lead, lead_ids, user, client_ids=()) -> list[dict]:
    """Payments on contracts made from any of the person's leads or for their client cards, one query."""
    condition = Q(contract__lead_id__in=list(lead_ids))
    if client_ids:
        condition |= Q(contract__client_id__in=list(client_ids))
    rows = []
    for payment in payment_list_visible_to(user).filter(condition).order_by("-paid_at", "-id")[:LIMIT]:
        title = _("Оплата %(amount)s по договору %(number)s") % {"amount": format_rub(payment.amount),
                                                                  "number": payment.contract.number}
        text = payment.get_method_display()
        if payment.refunded_amount:
            text += " · " + _("возвращено %(amount)s") % {"amount": format_rub(payment.refunded_amount)}
        rows.append({"at": payment.paid_at, "kind": "payment", "lead_id": payment.contract.lead_id, "title": title,
                     "text": text, "url": reverse("admin:billing_payment_change", args=[payment.pk])})
    return rows
