"""The billing block of the desk's home page: overdue invoices in the user's offices."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.billing import perms
from legal_crm.core.formatting import format_money as format_rub

from . import selectors
from .models import Invoice

LIMIT = 8


def overdue_invoices_block(request) -> dict | None:
    user = request.user
    if not user.has_perm(perms.VIEW_INVOICE):
        return None
    rows = list(selectors.invoice_list_visible_to(user).filter(status__in=Invoice.OPEN_STATUSES, is_overdue=True)
                .order_by("due_date", "id")[:LIMIT])
    return {
        "key": "billing-overdue",
        "title": _("Просроченные счета"),
        "rows": [{"text": f"{inv.number} — {inv.contract.client}",
                  "url": reverse("admin:billing_invoice_change", args=[inv.pk]),
                  "note": _("%(due)s к оплате, срок был %(date)s") % {
                      "due": format_rub(inv.amount - inv.paid_amount), "date": f"{inv.due_date:%d.%m.%Y}"}}
                 for inv in rows],
        "empty": _("Просроченных счетов нет."),
    }
