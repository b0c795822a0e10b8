"""Client bonuses on active contracts (SPEC 5.4.12): for each client with a signed or in-work contract the user
sees — accrued, spent, expired in the period, and the balance now by group; the chart compares the totals."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from legal_crm.contracts.models import Contract
from legal_crm.contracts.selectors import contract_list_visible_to

from . import perms
from .models import BonusAccount, BonusEntry, BonusGroup
from .report_common import INT, MONEY, TEXT, bars, filter_contracts, period_bounds

ZERO = Decimal("0.00")
ROWS_SHOWN = 500
ACTIVE = (Contract.Status.SIGNED, Contract.Status.IN_WORK)


def bonus_report(user, *, date_from, date_to, office=None, employee=None, service=None) -> dict:
    if not user.has_perm(perms.VIEW_BONUSACCOUNT):
        contracts = Contract.objects.none()
    else:
        contracts = filter_contracts(contract_list_visible_to(user).filter(status__in=ACTIVE), "",
                                     office=office, employee=employee, service=service)
    per_client = dict(contracts.order_by().values("client_id").annotate(n=Count("id"))
                      .values_list("client_id", "n"))
    start, end = period_bounds(date_from, date_to)
    moved = (BonusEntry.objects.filter(account__client_id__in=list(per_client), created_at__gte=start,
                                       created_at__lt=end)
             .order_by().values("account__client_id")
             .annotate(accrued=Sum("amount", filter=Q(kind=BonusEntry.Kind.ACCRUAL)),
                       spent=Sum("amount", filter=Q(kind=BonusEntry.Kind.SPEND)),
                       returned=Sum("amount", filter=Q(kind=BonusEntry.Kind.RETURN)),
                       expired=Sum("amount", filter=Q(kind=BonusEntry.Kind.EXPIRY))))
    moves = {m["account__client_id"]: m for m in moved}
    balances = (BonusAccount.objects.filter(client_id__in=list(per_client)).order_by()
                .values("client_id", "client__name")
                .annotate(cashback=Sum("balance", filter=Q(group=BonusGroup.CASHBACK)),
                          promotion=Sum("balance", filter=Q(group=BonusGroup.PROMOTION))))
    rows, keys = [], ("accrued", "spent", "returned", "expired", "cashback", "promotion")
    totals = {k: ZERO for k in keys}
    for b in sorted(balances, key=lambda r: r["client__name"]):
        m = moves.get(b["client_id"], {})
        row = {"client": b["client__name"], "contracts": per_client[b["client_id"]],
               "accrued": m.get("accrued") or ZERO, "spent": -(m.get("spent") or ZERO),
               "returned": m.get("returned") or ZERO, "expired": -(m.get("expired") or ZERO),
               "cashback": b["cashback"] or ZERO, "promotion": b["promotion"] or ZERO}
        for k in keys:
            totals[k] += row[k]
        rows.append(row)
    return {
        "title": _("Бонусы по действующим договорам"),
        "columns": [("client", _("Клиент"), TEXT), ("contracts", _("Действующих договоров"), INT),
                    ("accrued", _("Начислено"), MONEY), ("spent", _("Оплачено бонусами"), MONEY),
                    ("returned", _("Возвращено"), MONEY), ("expired", _("Сгорело"), MONEY),
                    ("cashback", _("Остаток: кешбэк"), MONEY), ("promotion", _("Остаток: промо"), MONEY)],
        "rows": rows[:ROWS_SHOWN],
        "truncated": len(rows) > ROWS_SHOWN,
        "totals": {"client": _("Итого"), **totals},
        "total": totals["cashback"] + totals["promotion"],
        "chart": bars([(_("Начислено"), totals["accrued"], False), (_("Оплачено бонусами"), totals["spent"], False),
                       (_("Сгорело"), totals["expired"], False),
                       (_("Остаток"), totals["cashback"] + totals["promotion"], True)]),
        "chart_title": _("Бонусы за период и остаток"),
    }
