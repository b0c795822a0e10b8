"""Demo billing: invoices of every kind and status, schedules, subscriptions, payments (full, partial, by
several methods, with an advance), a refund and overdue invoices — on the demo contracts.

Runs after the contracts' seeder, on the demo clients' contracts only (contracts.demo.CLIENTS): a contract
someone entered is never billed here. A contract that already has invoices is left alone, so re-running it changes
nothing. A scenario's invoices together never exceed the contract's price: amounts that would are scaled down to it
(`_fit`). Without contracts (or without the demo administrator) it creates nothing."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from legal_crm.contracts import demo as contracts_demo
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money
from legal_crm.core.models import User

from . import services
from .handlers import stop_billing_of_terminated
from .jobs import generate_subscription_invoices, mark_overdue_invoices
from .models import InstalmentSchedule, Invoice, Payment, Subscription
from .services.invoices import _create_invoice
from .services.plans import min_instalment

DEMO_ADMIN = "admin"


def _at(day: datetime.date) -> datetime.datetime:
    """Noon of the day, or now if that is still ahead: a payment seeded at 01:00 was dated 12:00 the same day."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0))), timezone.now())


def _roubles(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_DOWN).quantize(Decimal("0.01"))


def _fit(contract, *amounts: str) -> list[Decimal]:
    """A scenario's invoice amounts as written when together they fit the contract's price, otherwise scaled down
    in proportion (whole roubles, rounded down), so the demo never invoices a contract beyond its price."""
    wanted = [Decimal(a) for a in amounts]
    price, total = contract.price or Decimal("0"), sum(wanted)
    if total <= price:
        return wanted
    return [_roubles(a * price / total) for a in wanted]


def _paid_in_full(actor, contract, today):
    amount, deposit = _fit(contract, "30000.00", "25000.00")
    invoice = services.invoice_issue(actor=actor, contract=contract, amount=amount,
                                     issued_on=today - datetime.timedelta(days=40),
                                     due_date=today - datetime.timedelta(days=33))
    services.payment_register(actor=actor, invoice=invoice, amount=amount, method="cash",
                              paid_at=_at(today - datetime.timedelta(days=35)))
    deposit_invoice = services.invoice_issue(
        actor=actor, contract=contract, amount=deposit, kind=Invoice.Kind.DEPOSIT,
        issued_on=today - datetime.timedelta(days=20), due_date=today - datetime.timedelta(days=6),
        purpose=f"Депозит на вознаграждение финансового управляющего ({format_money(deposit)}), "
                f"договор № {contract.number}")
    # Paid: the case's lawyer records «Депозит внесён» on this contract (contracts.demo), and the portal shows both.
    services.payment_register(actor=actor, invoice=deposit_invoice, amount=deposit, method="bank_transfer",
                              paid_at=_at(today - datetime.timedelta(days=8)),
                              external_ref=f"DEMO-DEPOSIT-{deposit_invoice.pk}")


def _instalments(actor, contract, today):
    first = today.replace(day=5) - datetime.timedelta(days=90)
    # the whole price in up to 10 months, each no less than the smallest instalment allowed
    months = max(1, min(10, int((contract.price or 0) // min_instalment())))
    schedule = services.schedule_create(actor=actor, contract=contract, months=months, first_due_date=first,
                                        total=contract.price)
    items = list(schedule.items.filter(invoice__isnull=False).select_related("invoice").order_by("seq"))
    for n, item in enumerate(items):
        if item.due_date >= today:
            break
        if n < len(items) - 2:
            services.payment_register(actor=actor, invoice=item.invoice, amount=item.amount, method="card",
                                      paid_at=_at(item.due_date - datetime.timedelta(days=1)),
                                      external_ref=f"DEMO-CARD-{item.invoice.pk}")
        elif n == len(items) - 2:  # paid partly and now overdue
            services.payment_register(actor=actor, invoice=item.invoice, amount=(item.amount / 2).quantize(
                Decimal("0.01")), method="cash", paid_at=_at(item.due_date))


def _subscription(actor, contract, today):
    # started 65 days ago: three periods are invoiced at once, and a fourth fits the price too
    services.subscription_start(actor=actor, contract=contract,
                                monthly_fee=min(Decimal("4500.00"), _roubles((contract.price or 0) / 4)),
                                started_on=today - datetime.timedelta(days=65))
    generate_subscription_invoices(today=today)
    first = Invoice.objects.filter(contract=contract, kind=Invoice.Kind.SUBSCRIPTION).order_by("seq").first()
    if first:
        services.payment_register(actor=actor, invoice=first, amount=first.amount, method="portal",
                                  paid_at=_at(first.issued_on), external_ref=f"DEMO-PORTAL-{first.pk}")


def _partial_and_cancelled(actor, contract, today):
    amount, mistake = _fit(contract, "50000.00", "1500.00")
    invoice = services.invoice_issue(actor=actor, contract=contract, amount=amount,
                                     issued_on=today - datetime.timedelta(days=10),
                                     due_date=today + datetime.timedelta(days=5))
    services.payment_register(actor=actor, invoice=invoice, amount=_roubles(amount * 2 / 5), method="bank_transfer",
                              paid_at=_at(today - datetime.timedelta(days=3)), external_ref=f"DEMO-PP-{invoice.pk}",
                              comment="Платёжное поручение")
    wrong = services.invoice_issue(actor=actor, contract=contract, amount=mistake,
                                   issued_on=today - datetime.timedelta(days=9))
    services.invoice_cancel(actor=actor, invoice=wrong, reason="Выставлен ошибочно: сумма не по договору")


def _advance(actor, contract, today):
    first, second = _fit(contract, "15000.00", "15000.00")
    invoice = services.invoice_issue(actor=actor, contract=contract, amount=first,
                                     issued_on=today - datetime.timedelta(days=20),
                                     due_date=today - datetime.timedelta(days=15))
    services.payment_register(actor=actor, invoice=invoice, amount=_roubles(first * 4 / 3), method="cash",
                              as_advance=True, paid_at=_at(today - datetime.timedelta(days=16)),
                              comment="Клиент внёс больше — принято авансом")
    later = services.invoice_issue(actor=actor, contract=contract, amount=second,
                                   issued_on=today - datetime.timedelta(days=1),
                                   due_date=today + datetime.timedelta(days=10))
    services.advance_apply(actor=actor, invoice=later)


def _terminated(actor, contract, today):
    # A terminated contract takes no new invoices, so its history is written with the internal helper:
    # it was invoiced and paid while in work, then part of the payment was returned.
    (amount,) = _fit(contract, "40000.00")
    kept = _roubles(amount * 3 / 10)  # the work accepted before the termination
    invoice = _create_invoice(actor=actor, contract=contract, amount=amount,
                              kind=Invoice.Kind.ONE_OFF, issued_on=today - datetime.timedelta(days=60),
                              due_date=today - datetime.timedelta(days=55),
                              purpose=f"Оплата юридических услуг по договору № {contract.number}")
    payment = services.payment_register(actor=actor, invoice=invoice, amount=amount,
                                        method="bank_transfer", paid_at=_at(today - datetime.timedelta(days=56)),
                                        external_ref=f"DEMO-PP-{invoice.pk}")
    services.payment_refund(actor=actor, payment=payment, amount=amount - kept,
                            reason=f"Расторжение: возврат за вычетом принятой работы ({format_money(kept)})")
    # The termination settled the invoice (accepted work covered by the payment): billing closes it, as it does
    # when the termination comes after the payments (this history is written after the termination).
    stop_billing_of_terminated(contract_id=contract.pk, status=Contract.Status.TERMINATED, paid_amount=str(amount),
                               accepted_work_amount=str(kept))


SCENARIOS = [_paid_in_full, _instalments, _subscription, _partial_and_cancelled, _advance]


def seed() -> str:
    actor = User.objects.filter(username=DEMO_ADMIN).first()
    if actor is None:
        return "нет демо-администратора: счета не созданы"
    today = timezone.localdate()
    demo_phones = [spec[1] for spec in contracts_demo.CLIENTS]
    contracts = list(Contract.objects.exclude(status=Contract.Status.DRAFT).filter(client__phone__in=demo_phones)
                     .order_by("id")[:60])
    done = 0
    for n, contract in enumerate(contracts):
        if (Invoice.objects.filter(contract=contract).exists() or Subscription.objects.filter(contract=contract).exists()
                or InstalmentSchedule.objects.filter(contract=contract).exists()):
            continue
        scenario = _terminated if contract.status == Contract.Status.TERMINATED else SCENARIOS[n % len(SCENARIOS)]
        try:
            with transaction.atomic():
                scenario(actor, contract, today)
        except DomainError:
            continue
        done += 1
    mark_overdue_invoices(today=today)
    return (f"договоров со счетами добавлено: {done}; всего счетов: {Invoice.objects.count()}, "
            f"платежей: {Payment.objects.count()}")
