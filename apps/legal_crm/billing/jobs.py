"""Scheduled jobs of billing (hooks.SCHEDULER_EVENTS). Each is idempotent: running it twice changes nothing."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract
from legal_crm.core.events import emit

from .models import InstalmentSchedule, Invoice, ScheduleItem, Subscription
from .services.common import add_months
from .services.invoices import default_purpose, invoice_number
from .services.plans import _issue_item, issue_ahead_days

logger = logging.getLogger(__name__)
CHUNK = 2000
MAX_CATCH_UP_PASSES = 24


def _period_after(subscription: Subscription, period_start: datetime.date) -> datetime.date:
    """The next period's start, anchored on the subscription's start day (31 Jan → 28 Feb → 31 Mar)."""
    return add_months(period_start, 1, anchor_day=subscription.started_on.day)


def _invoice_chunk(subs: list[Subscription], today: datetime.date) -> int:
    """Issue one invoice per subscription of the chunk for its next period, in the caller's transaction."""
    contract_ids = sorted({s.contract_id for s in subs})
    # Lock the contracts (in id order) so a desk invoice_issue on the same contract cannot take the same number.
    contracts = {c.pk: c for c in Contract.objects.select_for_update().filter(pk__in=contract_ids)
                 .order_by("pk").only("id", "number", "status", "terminated_on")}
    last_seq = dict(Invoice.objects.filter(contract_id__in=contract_ids).values("contract_id")
                    .annotate(m=Max("seq")).values_list("contract_id", "m"))
    invoices, stopped, billable = [], [], []
    for sub in subs:
        contract = contracts[sub.contract_id]
        ended = sub.ended_on and sub.next_period_start > sub.ended_on
        if ended or contract.status == Contract.Status.TERMINATED:
            sub.is_active = False
            sub.ended_on = sub.ended_on or contract.terminated_on or today
            stopped.append(sub)
            continue
        seq = last_seq.get(contract.pk, 0) + 1
        last_seq[contract.pk] = seq
        start = sub.next_period_start
        end = _period_after(sub, start) - datetime.timedelta(days=1)
        billable.append(sub)
        invoices.append(Invoice(
            contract_id=contract.pk, seq=seq, number=invoice_number(contract.number, seq),
            kind=Invoice.Kind.SUBSCRIPTION, amount=sub.monthly_fee, issued_on=today,
            due_date=max(today, start + datetime.timedelta(days=sub.due_days)),
            purpose=default_purpose(contract, Invoice.Kind.SUBSCRIPTION, start, end),
            period_start=start, period_end=end, subscription_id=sub.pk,
        ))
    # A period invoiced already (a second run, a crash between chunks) is skipped by the unique
    # (subscription, period_start) constraint; only periods that really have an invoice advance.
    Invoice.objects.bulk_create(invoices, ignore_conflicts=True, batch_size=1000)
    rows = list(Invoice.objects.filter(subscription_id__in=[s.pk for s in billable])
                .filter(period_start__in={s.next_period_start for s in billable}))
    invoiced = {(inv.subscription_id, inv.period_start) for inv in rows}
    _record_history(rows)
    changed = list(stopped)
    for sub in billable:
        if (sub.pk, sub.next_period_start) in invoiced:
            sub.next_period_start = _period_after(sub, sub.next_period_start)
            if sub.ended_on and sub.next_period_start > sub.ended_on:
                sub.is_active = False
            changed.append(sub)
    # Most of a chunk moves to the same next date: one UPDATE per distinct outcome, not a CASE per row.
    groups: dict[tuple, list[int]] = {}
    for sub in changed:
        groups.setdefault((sub.next_period_start, sub.is_active, sub.ended_on), []).append(sub.pk)
    for (next_start, is_active, ended_on), ids in groups.items():
        Subscription.objects.filter(pk__in=ids).update(next_period_start=next_start, is_active=is_active,
                                                       ended_on=ended_on, updated_at=timezone.now())
    return len(invoiced)


def _record_history(rows: list[Invoice]) -> None:
    """The "created" history rows a desk-issued invoice gets from save(), for the invoices just bulk-inserted
    (an invoice left by an interrupted earlier run has its row already)."""
    seen = set(Invoice.history.filter(id__in=[inv.pk for inv in rows], history_type="+")
               .values_list("id", flat=True))
    new = [inv for inv in rows if inv.pk not in seen]
    if new:
        Invoice.history.bulk_history_create(new, batch_size=1000, default_date=timezone.now(),
                                            default_change_reason=_("Счёт по подписке"))


def generate_subscription_invoices(today: datetime.date | None = None) -> dict:
    """Invoice every active subscription whose next period has started (daily; catches up missed months).

    Works in chunks of CHUNK subscriptions by id, each chunk one transaction with bulk inserts and
    updates, so 50,000 subscriptions take a few dozen queries per chunk rather than per subscription."""
    today = today or timezone.localdate()
    issued = 0
    for _pass in range(MAX_CATCH_UP_PASSES):
        due = Subscription.objects.filter(is_active=True, next_period_start__lte=today)
        last_id, found = 0, 0
        while True:
            with transaction.atomic():
                subs = list(due.filter(id__gt=last_id).select_for_update().order_by("id")
                            .only("id", "contract_id", "monthly_fee", "started_on", "next_period_start",
                                  "due_days", "ended_on", "is_active")[:CHUNK])
                if not subs:
                    break
                last_id = subs[-1].pk
                found += len(subs)
                issued += _invoice_chunk(subs, today)
        if not found:
            break
    if issued:
        emit("billing.subscription_invoices_generated", count=issued, day=today.isoformat())
    logger.info("subscription invoices: %s issued", issued)
    return {"issued": issued}


def issue_schedule_invoices(today: datetime.date | None = None) -> dict:
    """Turn schedule items due within BILLING_SCHEDULE_ISSUE_DAYS_AHEAD days into invoices."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=issue_ahead_days())
    ids = list(ScheduleItem.objects.filter(invoice__isnull=True, due_date__lte=horizon,
                                           schedule__status=InstalmentSchedule.Status.ACTIVE)
               .exclude(schedule__contract__status=Contract.Status.TERMINATED)
               .order_by("due_date", "id").values_list("id", flat=True))
    issued = 0
    for item_id in ids:
        with transaction.atomic():
            item = ScheduleItem.objects.select_for_update().select_related("schedule__contract").get(pk=item_id)
            if item.invoice_id:
                continue
            _issue_item(None, item)
            issued += 1
    return {"issued": issued}


def mark_overdue_invoices(today: datetime.date | None = None) -> dict:
    """Flag open invoices past their due date; clear the flag on invoices that are no longer open."""
    today = today or timezone.localdate()
    open_statuses = list(Invoice.OPEN_STATUSES)
    newly = list(Invoice.objects.filter(status__in=open_statuses, due_date__lt=today, is_overdue=False)
                 .values_list("id", flat=True))
    for start in range(0, len(newly), 1000):
        chunk = newly[start:start + 1000]
        with transaction.atomic():
            Invoice.objects.filter(id__in=chunk, status__in=open_statuses).update(is_overdue=True)
            emit("billing.invoices_overdue", invoice_ids=chunk)
    cleared = Invoice.objects.filter(is_overdue=True).exclude(status__in=open_statuses).update(is_overdue=False)
    return {"overdue": len(newly), "cleared": cleared}
