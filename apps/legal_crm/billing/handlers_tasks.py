"""Billing's automatic tasks (todos): the daily job's "invoice overdue N days" condition, and an invoice's link on
a task. Which task and for whom is the administrators' rule (todos.TaskRule)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.todos.links import scoped_links

from .models import Invoice

RECORD = "billing.invoice"


def invoices_overdue_days(*, params: dict, today: datetime.date):
    """Open invoices that became overdue exactly `days` days ago (due the day before that): each once."""
    due = today - datetime.timedelta(days=int(params["days"]) + 1)
    rows = (Invoice.objects.filter(status__in=Invoice.OPEN_STATUSES, due_date=due)
            .select_related("contract__client", "contract__sales_manager").prefetch_related("contract__lawyers"))
    for invoice in rows.iterator(chunk_size=500):
        contract = invoice.contract
        yield {"record_type": RECORD, "record_id": invoice.pk, "office_id": contract.office_id,
               "candidates": {"lawyer": list(contract.lawyers.all()), "seller": contract.sales_manager},
               "label": _("Счёт %(number)s по договору %(contract)s, %(client)s") % {
                   "number": invoice.number, "contract": contract.number, "client": contract.client}}


def invoice_links(ids, user) -> dict:
    from .selectors import invoice_list_visible_to

    titles = {pk: _("Счёт %(n)s") % {"n": number}
              for pk, number in Invoice.objects.filter(pk__in=[int(i) for i in ids]).values_list("pk", "number")}
    return scoped_links(titles, invoice_list_visible_to(user),
                        lambda pk: reverse("admin:billing_invoice_change", args=[pk]))
