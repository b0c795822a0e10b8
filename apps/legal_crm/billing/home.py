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


def money_figures_block(request) -> dict | None:
    """Finance and the office head: paid today, paid this month (the offices' revenue), the overdue total."""
    from django.db.models import F, Sum
    from django.utils import timezone
    from django.utils.translation import ngettext

    user = request.user
    if not user.has_perm(perms.VIEW_PAYMENT) or not user.has_perm(perms.VIEW_INVOICE):
        return None
    now = timezone.localtime()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    payments = selectors.payment_list_visible_to(user)
    today = payments.filter(paid_at__gte=day_start).aggregate(s=Sum("amount"))["s"] or 0
    month = payments.filter(paid_at__gte=month_start).aggregate(s=Sum("amount"))["s"] or 0
    overdue = selectors.invoice_list_visible_to(user).filter(status__in=Invoice.OPEN_STATUSES, is_overdue=True)
    debt = overdue.aggregate(s=Sum(F("amount") - F("paid_amount")))["s"] or 0
    count = overdue.count()
    return {"key": "billing-figures", "title": _("Деньги"),
            "figures": [{"value": format_rub(today), "label": _("оплачено сегодня")},
                        {"value": format_rub(month), "label": _("оплачено в этом месяце")},
                        {"value": format_rub(debt), "label": ngettext("просрочено по %(n)d счёту",
                                                                      "просрочено по %(n)d счетам", count)
                         % {"n": count}}]}
