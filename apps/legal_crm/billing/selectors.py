"""Reads of billing, limited to what the user may see (office scope through the contract)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing import perms
from legal_crm.contracts.selectors import own_contracts_q
from legal_crm.org.selectors import scope_to_offices

from .models import InstalmentSchedule, Invoice, LedgerEntry, Payment, Refund, Subscription
from .services.common import money_sum

ZERO = Decimal("0.00")


def _none_unless(user, perm: str, qs: QuerySet, contract_path: str = "contract__") -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        return qs.none()
    qs = scope_to_offices(qs, user, field=f"{contract_path}office")
    own = own_contracts_q(user, prefix=contract_path)  # own-only roles (sales): their contracts' money only
    return qs if own is None else qs.filter(own)


def money_scope_is_offices(user) -> bool:
    """Whether the user sees every payment and refund of their offices and nothing narrower — what a summary kept
    per office (finance.RevenueDay) may answer for, scoped with org's scope_to_offices. False for own-only roles
    (sales: own_contracts_q) and for users lacking either permission: they read the payments themselves."""
    return (bool(getattr(user, "is_authenticated", False)) and user.has_perm(perms.VIEW_PAYMENT)
            and user.has_perm(perms.VIEW_REFUND) and own_contracts_q(user) is None)


def invoice_list_visible_to(user) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("contract", "contract__office", "contract__client")
    return _none_unless(user, perms.VIEW_INVOICE, qs)


def payment_list_visible_to(user) -> QuerySet[Payment]:
    qs = Payment.objects.select_related("invoice", "contract", "contract__office", "created_by")
    return _none_unless(user, perms.VIEW_PAYMENT, qs)


def subscription_list_visible_to(user) -> QuerySet[Subscription]:
    qs = Subscription.objects.select_related("contract", "contract__office", "contract__client")
    return _none_unless(user, perms.VIEW_SUBSCRIPTION, qs)


def schedule_list_visible_to(user) -> QuerySet[InstalmentSchedule]:
    qs = InstalmentSchedule.objects.select_related("contract", "contract__office")
    return _none_unless(user, perms.VIEW_INSTALMENTSCHEDULE, qs)


def ledger_visible_to(user) -> QuerySet[LedgerEntry]:
    cash = LedgerEntry.objects.filter(operation=OuterRef("operation"), account=LedgerEntry.Account.CASH)
    qs = LedgerEntry.objects.select_related("contract", "invoice", "payment", "refund").annotate(
        operation_has_cash=Exists(cash))
    return _none_unless(user, perms.VIEW_LEDGERENTRY, qs)


def ledger_operation_text(entry: LedgerEntry) -> str:
    """What happened, in words, for a ledger row (its `operation` is only a UUID shared by the rows of one
    operation): «Платёж 3 000,00 ₽ от 01.12.2026 (наличные) по счёту СЧ-7», «Зачёт аванса в счёт СЧ-7»,
    «Возврат: <основание>»."""
    payment = entry.payment
    paid = _("платёж от %(date)s, %(method)s") % {
        "date": timezone.localtime(payment.paid_at).strftime("%d.%m.%Y"),
        "method": str(payment.get_method_display()).lower()}
    if entry.refund_id:
        return _("Возврат по платежу от %(date)s: %(reason)s") % {
            "date": timezone.localtime(payment.paid_at).strftime("%d.%m.%Y"), "reason": entry.refund.reason}
    has_cash = getattr(entry, "operation_has_cash", None)
    if has_cash is None:
        has_cash = LedgerEntry.objects.filter(operation=entry.operation, account=LedgerEntry.Account.CASH).exists()
    if not has_cash:  # an advance moved onto an invoice: no money came in
        number = entry.invoice.number if entry.invoice_id else ""
        return _("Зачёт аванса в счёт %(number)s") % {"number": number} if number else _("Зачёт аванса")
    if entry.account == LedgerEntry.Account.CASH:
        return _("Получен %(paid)s") % {"paid": paid}
    if entry.account == LedgerEntry.Account.INVOICE:
        return _("Оплата счёта %(number)s (%(paid)s)") % {"number": entry.invoice.number, "paid": paid}
    return _("Излишек платежа принят авансом (%(paid)s)") % {"paid": paid}


def refund_list_visible_to(user) -> QuerySet[Refund]:
    qs = Refund.objects.select_related("payment", "payment__contract")
    return _none_unless(user, perms.VIEW_REFUND, qs, contract_path="payment__contract__")


def contract_paid_total(contract) -> Decimal:
    """Money the client has paid on the contract, net of refunds (advances included)."""
    row = Payment.objects.filter(contract=contract).aggregate(paid=Sum("amount"), refunded=Sum("refunded_amount"))
    return money_sum(row["paid"]) - money_sum(row["refunded"])


def contract_money_movements(contract) -> list[dict]:
    """The contract's money both ways, newest first: every payment (what was received, by which method) and every
    refund of one, so that a list of them adds up to `contract_paid_total` (payments − refunds). Each row:
    `kind` ("payment" or "refund"), `at`, `amount` (positive), `label` (the method, or «Возврат»), the payment."""
    rows = [{"kind": "payment", "at": p.paid_at, "amount": p.amount, "label": p.get_method_display(), "payment": p,
             "pk": p.pk}
            for p in Payment.objects.filter(contract=contract).select_related("invoice")]
    rows += [{"kind": "refund", "at": r.refunded_at, "amount": r.amount, "label": _("Возврат"), "payment": r.payment,
              "pk": r.pk}
             for r in Refund.objects.filter(payment__contract=contract).select_related("payment__invoice")]
    rows.sort(key=lambda row: (row["at"], row["kind"] == "refund", row["pk"]), reverse=True)
    return rows


def contract_advance(contract) -> Decimal:
    """The contract's unspent advance: the sum of its ledger "advance" rows."""
    return money_sum(LedgerEntry.objects.filter(contract=contract, account=LedgerEntry.Account.ADVANCE)
                     .aggregate(s=Sum("amount"))["s"])


def contract_balance(contract, *, today=None) -> dict:
    """price, invoiced (not cancelled), paid (net), applied to invoices, advance, due now, overdue."""
    today = today or timezone.localdate()
    live = Invoice.objects.filter(contract=contract).exclude(status=Invoice.Status.CANCELLED)
    row = live.aggregate(
        invoiced=Sum("amount"), applied=Sum("paid_amount"),
        open_amount=Sum("amount", filter=Q(status__in=Invoice.OPEN_STATUSES)),
        open_paid=Sum("paid_amount", filter=Q(status__in=Invoice.OPEN_STATUSES)),
        overdue_amount=Sum("amount", filter=Q(status__in=Invoice.OPEN_STATUSES, due_date__lt=today)),
        overdue_paid=Sum("paid_amount", filter=Q(status__in=Invoice.OPEN_STATUSES, due_date__lt=today)),
    )
    price = contract.price or ZERO
    row = {key: money_sum(value) for key, value in row.items()}
    invoiced = row["invoiced"]
    return {
        "price": price,
        "invoiced": invoiced,
        "paid": contract_paid_total(contract),
        "applied": row["applied"],
        "advance": contract_advance(contract),
        "due": row["open_amount"] - row["open_paid"],
        "overdue": row["overdue_amount"] - row["overdue_paid"],
        "not_invoiced": max(price - invoiced, ZERO),
    }


def contract_money_context(contract, user=None) -> dict:
    """Everything the contract card's Money tab shows (billing/contract_money_tab.html).

    The links on the tab follow the viewer's permissions (`perms` in the template); `user` is accepted for
    callers that have one and is not needed otherwise."""
    invoices = list(Invoice.objects.filter(contract=contract).order_by("-issued_on", "-id")[:200])
    schedule = (InstalmentSchedule.objects.filter(contract=contract).order_by("status", "-created_at")
                .prefetch_related("items__invoice").first())
    payments = list(Payment.objects.filter(contract=contract).select_related("invoice", "created_by")
                    .order_by("-paid_at", "-id")[:200])
    subscription = Subscription.objects.filter(contract=contract).order_by("-is_active", "-id").first()
    return {
        "contract": contract,
        "invoices": invoices,
        "schedule": schedule,
        "schedule_items": list(schedule.items.all()) if schedule else [],
        "payments": payments,
        "subscription": subscription,
        "balance": contract_balance(contract),
    }


def invoice_paid_by_method(invoice, method: str, *, exclude_payment=None) -> Decimal:
    """What payments of one method (net of refunds) brought to the invoice: the finance module's bonus limit."""
    qs = Payment.objects.filter(invoice=invoice, method=method)
    if exclude_payment is not None:
        qs = qs.exclude(pk=exclude_payment.pk)
    row = qs.aggregate(paid=Sum("amount"), refunded=Sum("refunded_amount"))
    return money_sum(row["paid"]) - money_sum(row["refunded"])


def schedule_items_visible_to(user) -> QuerySet:
    """Instalment schedule items of the schedules the user may see (finance's expected payments)."""
    from .models import ScheduleItem

    return _none_unless(user, perms.VIEW_INSTALMENTSCHEDULE, ScheduleItem.objects.all(),
                        contract_path="schedule__contract__")
