"""Instalment schedules and subscriptions: creating them, and turning their periods into invoices."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing import perms
from legal_crm.core.audit import audit
from legal_crm.core.dates import PLANNED, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money as format_rub
from legal_crm.core.guard import ensure

from ..models import InstalmentSchedule, Invoice, ScheduleItem, Subscription
from .common import KOPECK, add_months, ensure_contract_scope, setting, to_money
from .invoices import _announce, _check_contract_open, _create_invoice

MAX_MONTHS = 60


def split_amount(total: Decimal, parts: int) -> list[Decimal]:
    """Split `total` into `parts` amounts that differ by at most one kopeck and add up exactly.

    The remainder kopecks go to the first items: 10 000,00 / 3 → 3 333,34 + 3 333,33 + 3 333,33.
    """
    if parts < 1:
        raise ValueError("parts must be positive")
    base = (total / parts).quantize(KOPECK, rounding=ROUND_DOWN)
    remainder = int((total - base * parts) / KOPECK)
    return [base + KOPECK if i < remainder else base for i in range(parts)]


def min_instalment() -> Decimal:
    return Decimal(str(setting("BILLING_MIN_INSTALMENT", "3000.00")))


def issue_ahead_days() -> int:
    return int(setting("BILLING_SCHEDULE_ISSUE_DAYS_AHEAD", 10))


@transaction.atomic
def schedule_create(*, actor, contract, months: int, first_due_date: datetime.date, total=None) -> InstalmentSchedule:
    """Split the contract price (or `total`) into `months` monthly payments from `first_due_date`.

    Items due within BILLING_SCHEDULE_ISSUE_DAYS_AHEAD days become invoices at once; the daily job issues
    the rest as they come due."""
    ensure(actor, perms.ADD_INSTALMENTSCHEDULE)
    ensure_contract_scope(actor, contract)
    _check_contract_open(contract)
    if total is None:
        if not contract.price or contract.price <= 0:
            message = _("У договора не указана стоимость: укажите сумму графика.")
            raise DomainError("schedule_total", message, fields={"total": message})
        total = contract.price
    total = to_money(total, field="total")
    date_or_domain_error(first_due_date, PLANNED, "first_due_date")
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        message = _("Число месяцев — от 1 до %(max)s.") % {"max": MAX_MONTHS}
        raise DomainError("schedule_months", message, fields={"months": message})
    amounts = split_amount(total, months)
    if months > 1 and amounts[-1] < min_instalment():
        message = _("Ежемесячный платёж получается %(amount)s — меньше минимального %(min)s. Уменьшите число "
                    "месяцев.") % {"amount": format_rub(amounts[-1]), "min": format_rub(min_instalment())}
        raise DomainError("instalment_too_small", message, fields={"months": message})
    if InstalmentSchedule.objects.filter(contract=contract, status=InstalmentSchedule.Status.ACTIVE).exists():
        raise DomainError("schedule_exists", _("У договора уже есть действующий график платежей: отмените его, "
                                               "прежде чем составлять новый."))
    schedule = InstalmentSchedule.objects.create(contract=contract, total=total, months=months,
                                                 first_due_date=first_due_date, created_by=actor)
    ScheduleItem.objects.bulk_create(
        ScheduleItem(schedule=schedule, seq=i + 1, amount=amount,
                     due_date=add_months(first_due_date, i, anchor_day=first_due_date.day))
        for i, amount in enumerate(amounts)
    )
    audit(actor=actor, action="schedule.create", obj=schedule,
          after={"total": str(total), "months": months, "first_due_date": first_due_date.isoformat()})
    emit("billing.schedule_created", schedule_id=schedule.pk, contract_id=contract.pk)
    horizon = timezone.localdate() + datetime.timedelta(days=issue_ahead_days())
    for item in schedule.items.filter(due_date__lte=horizon).order_by("seq"):
        _issue_item(actor, item)
    return schedule


def _issue_item(actor, item: ScheduleItem) -> Invoice:
    schedule = item.schedule
    today = timezone.localdate()
    purpose = _("Платёж %(seq)s из %(months)s по графику, договор № %(number)s") % {
        "seq": item.seq, "months": schedule.months, "number": schedule.contract.number}
    invoice = _create_invoice(actor=actor, contract=schedule.contract, amount=item.amount,
                              kind=Invoice.Kind.ONE_OFF, issued_on=min(today, item.due_date),
                              due_date=item.due_date, purpose=purpose)
    item.invoice = invoice
    item.save(update_fields=["invoice"])
    _announce(actor, invoice)
    return invoice


@transaction.atomic
def schedule_item_issue(*, actor, item: ScheduleItem) -> Invoice:
    """Issue the invoice of one schedule item now (ahead of the job)."""
    ensure(actor, perms.ADD_INVOICE)
    item = ScheduleItem.objects.select_for_update().select_related("schedule__contract").get(pk=item.pk)
    ensure_contract_scope(actor, item.schedule.contract)
    _check_contract_open(item.schedule.contract)
    if item.schedule.status != InstalmentSchedule.Status.ACTIVE:
        raise DomainError("schedule_cancelled", _("График отменён: счета по нему не выставляются."))
    if item.invoice_id:
        raise DomainError("item_invoiced", _("По этому платежу графика счёт уже выставлен: %(number)s.")
                          % {"number": item.invoice.number})
    return _issue_item(actor, item)


@transaction.atomic
def schedule_cancel(*, actor, schedule: InstalmentSchedule) -> InstalmentSchedule:
    """Stop the schedule: items not yet invoiced are never invoiced; issued invoices stay as they are."""
    ensure(actor, perms.CHANGE_INSTALMENTSCHEDULE)
    schedule = InstalmentSchedule.objects.select_for_update().select_related("contract").get(pk=schedule.pk)
    ensure_contract_scope(actor, schedule.contract)
    if schedule.is_cancelled:
        raise DomainError("schedule_cancelled", _("График уже отменён."))
    schedule.status = InstalmentSchedule.Status.CANCELLED
    schedule.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action="schedule.cancel", obj=schedule)
    return schedule


@transaction.atomic
def subscription_start(*, actor, contract, monthly_fee, started_on: datetime.date, due_days: int = 5) -> Subscription:
    """Start monthly billing of a subscription contract; the daily job invoices each period from `started_on`."""
    ensure(actor, perms.ADD_SUBSCRIPTION)
    ensure_contract_scope(actor, contract)
    _check_contract_open(contract)
    fee = to_money(monthly_fee, field="monthly_fee")
    date_or_domain_error(started_on, PLANNED, "started_on")
    if not isinstance(due_days, int) or not 0 <= due_days <= 60:
        message = _("Срок оплаты — от 0 до 60 дней.")
        raise DomainError("due_days", message, fields={"due_days": message})
    if Subscription.objects.filter(contract=contract, is_active=True).exists():
        raise DomainError("subscription_exists", _("У договора уже есть действующее абонентское обслуживание."))
    subscription = Subscription.objects.create(contract=contract, monthly_fee=fee, started_on=started_on,
                                               next_period_start=started_on, due_days=due_days, created_by=actor)
    audit(actor=actor, action="subscription.start", obj=subscription,
          after={"monthly_fee": str(fee), "started_on": started_on.isoformat()})
    emit("billing.subscription_started", subscription_id=subscription.pk, contract_id=contract.pk)
    return subscription


@transaction.atomic
def subscription_stop(*, actor, subscription: Subscription, ended_on: datetime.date) -> Subscription:
    """End the subscription: periods starting after `ended_on` are not invoiced."""
    ensure(actor, perms.CHANGE_SUBSCRIPTION)
    subscription = Subscription.objects.select_for_update().select_related("contract").get(pk=subscription.pk)
    ensure_contract_scope(actor, subscription.contract)
    if not subscription.is_active or subscription.ended_on:
        raise DomainError("subscription_inactive", _("Абонентское обслуживание уже прекращено."))
    if ended_on < subscription.started_on:
        message = _("Дата окончания раньше начала обслуживания.")
        raise DomainError("ended_on", message, fields={"ended_on": message})
    # Periods starting on or before the last day are still invoiced by the job, which then deactivates it.
    subscription.is_active = subscription.next_period_start <= ended_on
    subscription.ended_on = ended_on
    subscription.save(update_fields=["is_active", "ended_on", "updated_at"])
    audit(actor=actor, action="subscription.stop", obj=subscription, after={"ended_on": ended_on.isoformat()})
    emit("billing.subscription_stopped", subscription_id=subscription.pk, contract_id=subscription.contract_id)
    return subscription
