"""Receivables (SPEC 5.4.4): overdue invoices with the account's state and the decision needed, and the
payments expected ahead (open invoices, schedule items not invoiced yet, subscription fees) with a risk mark.

Invoices, schedules and subscriptions are read through billing's selectors, so the office scope (and a
seller's own contracts) is billing's rule, never restated here. An invoice is overdue by billing's daily job
(billing.jobs.mark_overdue_invoices sets `is_overdue`); the report also counts an open invoice past its date
the job has not reached yet."""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing.models import Invoice
from legal_crm.billing.selectors import (
    invoice_list_visible_to,
    ledger_visible_to,
    payment_list_visible_to,
    schedule_items_visible_to,
    subscription_list_visible_to,
)
from legal_crm.contracts.selectors import contract_list_visible_to
from legal_crm.core.money import KOPECK
from legal_crm.core.validators import format_phone
from legal_crm.todos import perms as todo_perms

from .report_common import DATE, INT, MONEY, TEXT, bars, filter_contracts

ZERO = Decimal("0.00")
ROW_LIMIT = 500
DUE = ExpressionWrapper(F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _money(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(KOPECK)


def decision_for(days_overdue: int) -> str:
    """What the overdue needs: a call first, then pausing the work, then terminating the contract
    (FINANCE_OVERDUE_PAUSE_DAYS, FINANCE_OVERDUE_TERMINATE_DAYS)."""
    pause = getattr(settings, "FINANCE_OVERDUE_PAUSE_DAYS", 14)
    terminate = getattr(settings, "FINANCE_OVERDUE_TERMINATE_DAYS", 45)
    if days_overdue >= terminate:
        return _("Расторгнуть договор")
    if days_overdue >= pause:
        return _("Приостановить работу")
    return _("Позвонить клиенту")


def _open_invoices(user, filters):
    qs = invoice_list_visible_to(user).filter(status__in=Invoice.OPEN_STATUSES)
    return filter_contracts(qs, "contract__", **filters)


def _account_states(user, contract_ids: list[int], today: datetime.date) -> dict[int, dict]:
    """Per contract: paid (net of refunds), due now, advance held — three grouped queries for a page of rows."""
    states = {cid: {"paid": ZERO, "due": ZERO, "advance": ZERO} for cid in contract_ids}
    for row in (payment_list_visible_to(user).filter(contract_id__in=contract_ids).order_by()
                .values("contract_id").annotate(p=Sum("amount"), r=Sum("refunded_amount"))):
        states[row["contract_id"]]["paid"] = _money(row["p"]) - _money(row["r"])
    for row in (invoice_list_visible_to(user).filter(contract_id__in=contract_ids, status__in=Invoice.OPEN_STATUSES)
                .order_by().values("contract_id").annotate(d=Sum(DUE))):
        states[row["contract_id"]]["due"] = _money(row["d"])
    for row in (ledger_visible_to(user).filter(contract_id__in=contract_ids, account="advance").order_by()
                .values("contract_id").annotate(a=Sum("amount"))):
        states[row["contract_id"]]["advance"] = _money(row["a"])
    return states


def _overdue_actions(user, row: dict, can_set_tasks: bool) -> list[dict]:
    """One click from an overdue invoice: an SMS reminder (POST) or a task about it (the task form, prefilled)."""
    actions = []
    if row["contract__client__phone"]:
        actions.append({"title": _("Напомнить SMS"), "url": reverse("finance_remind", args=[row["id"]]), "post": True})
    if can_set_tasks:
        query = urlencode({"record_type": "billing.invoice", "record_id": row["id"],
                           "title": _("Связаться с клиентом: просрочен счёт %(n)s") % {"n": row["number"]}})
        actions.append({"title": _("Поставить задачу"), "url": reverse("admin:todos_task_create") + "?" + query,
                        "post": False})
    return actions


def overdue_report(user, *, today: datetime.date, office=None, employee=None, service=None, source=None) -> dict:
    filters = {"office": office, "employee": employee, "service": service, "source": source}
    overdue = _open_invoices(user, filters).filter(due_date__lt=today)
    edges = [(_("до 7 дней"), 0, 7), (_("8–30 дней"), 8, 30), (_("31–90 дней"), 31, 90), (_("больше 90 дней"), 91, None)]
    # Sums per due date (a few hundred groups from the index alone), bucketed by age here: one SUM a row instead
    # of a conditional SUM per bucket (half the database's time at 200,000 overdue invoices).
    sums = {"total": ZERO, **{f"b{i}": ZERO for i in range(len(edges))}}
    for due_date, amount, paid in (overdue.select_related(None).order_by().values("due_date")
                                   .annotate(a=Sum("amount"), p=Sum("paid_amount")).values_list("due_date", "a", "p")):
        days, due = (today - due_date).days, _money(amount) - _money(paid)
        sums["total"] += due
        for index, (_label, low, high) in enumerate(edges):
            if days >= max(low, 1) and (high is None or days <= high):
                sums[f"b{index}"] += due
    # The page's ids first, from the invoice index alone, then their rows with the joins: joined in one query,
    # MariaDB started from the offices and read every contract's invoices (12 s at 1.6M invoices; 0.1 s so).
    page_ids = list(overdue.select_related(None).order_by("due_date", "id").values_list("id", flat=True)[:ROW_LIMIT])
    raw = sorted(overdue.select_related(None).filter(pk__in=page_ids).order_by()
                 .values("id", "number", "contract_id", "contract__number", "contract__client__name",
                         "contract__client__phone", "contract__client__email", "contract__office__name", "amount",
                         "paid_amount", "due_date"), key=lambda r: (r["due_date"], r["id"]))
    states = _account_states(user, sorted({r["contract_id"] for r in raw}), today)
    rows = []
    can_set_tasks = user.has_perm(todo_perms.ADD_TASK)
    for r in raw:
        days = (today - r["due_date"]).days
        state = states[r["contract_id"]]
        rows.append({
            "invoice": r["number"], "contract": r["contract__number"], "client": r["contract__client__name"],
            "contact": format_phone(r["contract__client__phone"]) or r["contract__client__email"] or "",
            "office": r["contract__office__name"], "due_date": r["due_date"], "days": days,
            "overdue": r["amount"] - r["paid_amount"], "paid": state["paid"], "due": state["due"],
            "advance": state["advance"], "decision": decision_for(days),
            "_actions": _overdue_actions(user, r, can_set_tasks),
        })
    return {
        "title": _("Просроченные платежи"),
        "columns": [("invoice", _("Счёт"), TEXT), ("contract", _("Договор"), TEXT), ("client", _("Клиент"), TEXT),
                    ("contact", _("Контакт"), TEXT), ("office", _("Офис"), TEXT),
                    ("due_date", _("Срок оплаты"), DATE), ("days", _("Дней просрочки"), INT),
                    ("overdue", _("Просрочено"), MONEY), ("paid", _("Оплачено по договору"), MONEY),
                    ("due", _("К оплате по договору"), MONEY), ("advance", _("Аванс"), MONEY),
                    ("decision", _("Что сделать"), TEXT)],
        "rows": rows,
        "totals": {"invoice": _("Итого"), "overdue": _money(sums["total"])},
        "total": _money(sums["total"]),
        "chart": bars([(str(label), _money(sums[f"b{i}"]), False) for i, (label, _l, _h) in enumerate(edges)]),
        "chart_title": _("Просрочка по давности"),
        "truncated": len(raw) == ROW_LIMIT,
    }


def _risk(history_late: bool, now_overdue: bool) -> str:
    if now_overdue:
        return _("высокий")
    if history_late:
        return _("средний")
    return _("низкий")


def future_report(user, *, today: datetime.date, days: int = 30, office=None, employee=None, service=None,
                  source=None) -> dict:
    """Payments expected from today to today + days: open invoices not yet due, schedule items not yet
    invoiced, the next fee of active subscriptions without its invoice. The risk of each: high when the
    contract has an overdue invoice now, medium when it paid late before (a payment after the due date)."""
    filters = {"office": office, "employee": employee, "service": service, "source": source}
    horizon = today + datetime.timedelta(days=days)
    expected = []
    for r in (_open_invoices(user, filters).filter(due_date__gte=today, due_date__lte=horizon)
              .order_by("due_date", "id").values("contract_id", "due_date", "amount", "paid_amount", "number")
              [:ROW_LIMIT]):
        expected.append((r["contract_id"], r["due_date"], r["amount"] - r["paid_amount"],
                         _("счёт %(n)s") % {"n": r["number"]}))
    items = filter_contracts(schedule_items_visible_to(user), "schedule__contract__", **filters)
    for r in (items.filter(invoice__isnull=True, due_date__gte=today, due_date__lte=horizon, schedule__status="active")
              .order_by("due_date", "id").values("schedule__contract_id", "due_date", "amount", "seq")[:ROW_LIMIT]):
        expected.append((r["schedule__contract_id"], r["due_date"], r["amount"],
                         _("платёж %(n)s по графику") % {"n": r["seq"]}))
    subs = filter_contracts(subscription_list_visible_to(user), "contract__", **filters)
    for r in (subs.filter(is_active=True, next_period_start__gte=today, next_period_start__lte=horizon)
              .order_by("next_period_start", "id").values("contract_id", "next_period_start", "monthly_fee")
              [:ROW_LIMIT]):
        expected.append((r["contract_id"], r["next_period_start"], r["monthly_fee"], _("абонентская плата")))
    expected.sort(key=lambda e: (e[1], e[0]))
    expected = expected[:ROW_LIMIT]
    contract_ids = sorted({e[0] for e in expected})
    invoices = invoice_list_visible_to(user).filter(contract_id__in=contract_ids).order_by()
    now_overdue = set(invoices.filter(status__in=Invoice.OPEN_STATUSES, due_date__lt=today)
                      .values_list("contract_id", flat=True))
    was_late = set(invoices.filter(is_overdue=True).values_list("contract_id", flat=True))
    # A payment after its invoice's date, compared in local time here: the database may lack time zone tables.
    for contract_id, paid_at, due in (payment_list_visible_to(user).filter(contract_id__in=contract_ids)
                                      .order_by().values_list("contract_id", "paid_at", "invoice__due_date")):
        if timezone.localtime(paid_at).date() > due:
            was_late.add(contract_id)
    info = {c["id"]: c for c in contract_list_visible_to(user).filter(pk__in=contract_ids).order_by()
            .values("id", "number", "client__name", "office__name")}
    rows, per_week = [], {}
    for contract_id, due, amount, what in expected:
        c = info.get(contract_id, {})
        risk = _risk(contract_id in was_late, contract_id in now_overdue)
        rows.append({"due_date": due, "contract": c.get("number", ""), "client": c.get("client__name", ""),
                     "office": c.get("office__name", ""),
                     "what": what, "amount": amount, "risk": risk, "_highlight": contract_id in now_overdue})
        week = due - datetime.timedelta(days=due.weekday())
        per_week[week] = per_week.get(week, ZERO) + amount
    total = sum((r["amount"] for r in rows), ZERO)
    return {
        "title": _("Будущие платежи"),
        "columns": [("due_date", _("Ожидается"), DATE), ("contract", _("Договор"), TEXT), ("client", _("Клиент"), TEXT),
                    ("office", _("Офис"), TEXT), ("what", _("Что"), TEXT), ("amount", _("Сумма"), MONEY),
                    ("risk", _("Риск"), TEXT)],
        "rows": rows,
        "totals": {"due_date": _("Итого"), "amount": total},
        "total": total,
        "chart": bars([(_("неделя с %(d)s") % {"d": f"{week:%d.%m}"}, value, False)
                       for week, value in sorted(per_week.items())]),
        "chart_title": _("Ожидаемые поступления по неделям"),
        "truncated": len(expected) == ROW_LIMIT,
    }
