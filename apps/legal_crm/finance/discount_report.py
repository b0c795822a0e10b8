"""Contracts and the discounts given on them (SPEC 5.4.10), by the day the contract was made: list price,
discount, price, who gave and who approved it; the chart sums the discounts per scheme."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.org.selectors import scope_to_offices

from . import perms
from .models import ContractDiscount
from .report_common import DATE, MONEY, TEXT, bars, period_bounds

ZERO = Decimal("0.00")
ROWS_SHOWN = 500


def discounts_visible_to(user):
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_DISCOUNTSCHEME):
        return ContractDiscount.objects.none()
    return scope_to_offices(ContractDiscount.objects.all(), user, field="contract__office")


def discount_report(user, *, date_from, date_to, office=None, employee=None, service=None) -> dict:
    start, end = period_bounds(date_from, date_to)
    qs = discounts_visible_to(user).filter(created_at__gte=start, created_at__lt=end)
    for field, value in (("contract__office", office), ("granted_by", employee), ("contract__service", service)):
        if value is not None:
            qs = qs.filter(**{field: value})
    per_scheme = (qs.order_by().values("scheme__name").annotate(s=Sum("amount"), n=Count("id"))
                  .order_by("scheme__name"))
    totals = qs.aggregate(list_price=Sum("list_price"), amount=Sum("amount"), n=Count("id"))
    rows = [{"date": timezone.localtime(d.created_at).date(), "contract": d.contract.number,
             "office": d.contract.office.name, "service": d.contract.service.name, "scheme": d.scheme.name,
             "value": d.scheme.value_text(d.value), "list_price": d.list_price, "amount": d.amount,
             "price": d.list_price - d.amount, "granted_by": str(d.granted_by or "—"),
             "approved_by": str(d.approved_by) if d.approved_by_id else ""}
            for d in qs.select_related("contract__office", "contract__service", "scheme", "granted_by",
                                       "approved_by").order_by("-created_at", "-id")[:ROWS_SHOWN]]
    list_total, amount_total = totals["list_price"] or ZERO, totals["amount"] or ZERO
    return {
        "title": _("Скидки по договорам"),
        "columns": [("date", _("Дата"), DATE), ("contract", _("Договор"), TEXT), ("office", _("Офис"), TEXT),
                    ("service", _("Услуга"), TEXT), ("scheme", _("Схема"), TEXT), ("value", _("Скидка"), TEXT),
                    ("list_price", _("Цена без скидки"), MONEY), ("amount", _("Скидка, ₽"), MONEY),
                    ("price", _("Цена договора"), MONEY), ("granted_by", _("Дал"), TEXT),
                    ("approved_by", _("Согласовал"), TEXT)],
        "rows": rows,
        "truncated": (totals["n"] or 0) > len(rows),
        "totals": {"date": _("Итого"), "list_price": list_total, "amount": amount_total,
                   "price": list_total - amount_total},
        "total": amount_total,
        "chart": bars([(r["scheme__name"], r["s"] or ZERO, False) for r in per_scheme]),
        "chart_title": _("Скидки по схемам"),
    }
