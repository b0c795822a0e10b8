"""Staff notifications of billing: invoices that became overdue tell the finance staff of their offices (those
who register payments there), one notification per office and run."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import ngettext

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.messaging.notifications.service import Note, notify_many

from . import perms
from .models import Invoice


def on_invoices_overdue(*, invoice_ids, **_ignored) -> None:
    by_office: dict[int, list] = defaultdict(list)
    for invoice in Invoice.objects.filter(pk__in=invoice_ids).select_related("contract").order_by("pk"):
        by_office[invoice.contract.office_id].append(invoice)
    notes = []
    link = reverse("admin:billing_invoice_changelist") + "?is_overdue__exact=1"
    for office_id, invoices in by_office.items():
        staff = (users_with_perm(perms.ADD_PAYMENT, superusers=False).filter(employee__offices=office_id)
                 .distinct().values_list("pk", flat=True))
        numbers = ", ".join(i.number for i in invoices[:10]) + ("…" if len(invoices) > 10 else "")
        title = ngettext("Просрочен %(n)s счёт", "Просрочено счетов: %(n)s", len(invoices)) % {"n": len(invoices)}
        notes += [Note(user_id, title, numbers, link, ("billing.overdue", f"{office_id}:{invoices[0].pk}"))
                  for user_id in staff]
    notify_many(kind="billing.invoices_overdue", notes=notes, once=True)  # every office's staff in one write
