"""Message tags answered by billing (hooks.MESSAGE_TAGS): the amount due and the next payment date of the contract
a message is about (contracts.message_tags picks it). Bulk: two queries for any number of recipients."""

from __future__ import annotations

from django.db.models import F, Min, Sum
from django.utils import timezone

from legal_crm.contracts.message_tags import contract_ids_for
from legal_crm.core.formatting import format_date, format_money

from .models import InstalmentSchedule, Invoice, ScheduleItem
from .selectors import ZERO


def amount_due(recipients) -> dict[int, str]:
    """What is left to pay on the contract's issued invoices (as on the Money tab: «к оплате»)."""
    ids = contract_ids_for(recipients)
    wanted = {pk for pk in ids if pk}
    due = dict(Invoice.objects.filter(contract_id__in=wanted, status__in=Invoice.OPEN_STATUSES)
               .values("contract_id").annotate(left=Sum(F("amount") - F("paid_amount")))
               .values_list("contract_id", "left")) if wanted else {}
    return {index: format_money(due.get(pk) or ZERO) if pk else "" for index, pk in enumerate(ids)}


def next_payment_date(recipients) -> dict[int, str]:
    """The earliest of: an unpaid invoice's due date (overdue ones included — they are to pay now), a scheduled
    payment not yet invoiced from today on."""
    ids = contract_ids_for(recipients)
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    invoiced = dict(Invoice.objects.filter(contract_id__in=wanted, status__in=Invoice.OPEN_STATUSES)
                    .values("contract_id").annotate(d=Min("due_date")).values_list("contract_id", "d"))
    scheduled = dict(ScheduleItem.objects.filter(
        schedule__contract_id__in=wanted, schedule__status=InstalmentSchedule.Status.ACTIVE, invoice__isnull=True,
        due_date__gte=timezone.localdate()).values("schedule__contract_id").annotate(d=Min("due_date"))
        .values_list("schedule__contract_id", "d"))
    out = {}
    for index, pk in enumerate(ids):
        dates = [d for d in (invoiced.get(pk), scheduled.get(pk)) if d]
        out[index] = format_date(min(dates)) if dates else ""
    return out
