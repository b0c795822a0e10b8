"""The finance reports in the desk: filters, the chart first, the table under it, an XLSX export. Thin: the
figures come from receivables.py and revenue.py, which read through the owning modules' selectors."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from legal_crm.core.errors import DomainError
from legal_crm.leads.source_report import chosen_filters, parse_period, period_typed, report_filter_choices

from . import perms, receivables, revenue
from .agent_report import agent_report
from .bonus_report import bonus_report
from .discount_report import discount_report
from .payroll_report import payroll_report
from .report_common import INT, MONEY, cell_text, display_rows, to_xlsx
from .services.reminders import overdue_reminder_send

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# url name → (permission, builder, uses a period, filters offered)
REPORTS = {
    "finance_overdue": (perms.VIEW_RECEIVABLES, "overdue", False, ("office", "employee", "service", "source")),
    "finance_future": (perms.VIEW_RECEIVABLES, "future", False, ("office", "employee", "service", "source")),
    "finance_revenue": (perms.VIEW_REVENUE, "revenue", True, ("office", "employee", "service", "source")),
    "finance_gross_profit": (perms.VIEW_REVENUE, "gross_profit", True, ("office", "employee", "service", "source")),
    "finance_portal_payments": (perms.VIEW_REVENUE, "portal", True, ("office", "employee", "service")),
    "finance_payroll": (perms.VIEW_PAYROLLRUN, "payroll", True, ("office", "employee")),
    "finance_discounts": (perms.VIEW_DISCOUNTSCHEME, "discounts", True, ("office", "employee", "service")),
    "finance_bonuses": (perms.VIEW_BONUSACCOUNT, "bonuses", True, ("office", "employee", "service")),
    "finance_agents": (perms.VIEW_AGENTACCRUAL, "agents", True, ("office", "service")),
}
FILTER_LABELS = {"office": _("Офис"), "employee": _("Сотрудник"), "service": _("Услуга"), "source": _("Источник")}


def _build(kind: str, user, params, date_from, date_to, chosen) -> dict:
    today = timezone.localdate()
    if kind == "overdue":
        return receivables.overdue_report(user, today=today, **chosen)
    if kind == "future":
        raw = (params.get("days") or "").strip()
        days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 366 else 30
        return receivables.future_report(user, today=today, days=days, **chosen)
    builder = {"revenue": revenue.revenue_report, "gross_profit": revenue.gross_profit_report,
               "portal": revenue.portal_payments_report, "payroll": payroll_report,
               "discounts": discount_report, "bonuses": bonus_report,
               "agents": agent_report}[kind]
    return builder(user, date_from=date_from, date_to=date_to, **chosen)


def report_view(request, url_name: str):
    perm, kind, with_period, offered = REPORTS[url_name]
    if not request.user.has_perm(perm):
        raise PermissionDenied
    date_from, date_to, errors = parse_period(request.GET)
    errors = errors if with_period else {}  # a report of today (overdue, future) has no period to refuse
    choices = {name: qs for name, qs in report_filter_choices(request.user).items() if name in offered}
    chosen = chosen_filters(request.GET, choices)
    report = _build(kind, request.user, request.GET, date_from, date_to, chosen)
    subtitle = (f"{date_from:%d.%m.%Y} — {date_to:%d.%m.%Y}" if with_period
                else f"{timezone.localdate():%d.%m.%Y}")
    # A refused period shows its errors and no figures, and the export gives no file: never the figures of
    # another period than the one asked for.
    if request.GET.get("export") == "xlsx" and not errors:
        response = HttpResponse(to_xlsx(report, subtitle), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{kind}-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query["export"] = "xlsx"
    context = {
        **admin.site.each_context(request),
        "title": report["title"], "report": report, "rows": display_rows(report), "errors": errors,
        "typed": period_typed(request.GET, date_from, date_to, errors),
        "subtitle": subtitle, "with_period": with_period, "date_from": date_from, "date_to": date_to,
        "days": request.GET.get("days", "30") if kind == "future" else None,
        "filters": [(name, FILTER_LABELS[name], choices[name], chosen[name]) for name in offered],
        "export_query": query.urlencode(),
        "chart_height": 26 * len(report["chart"]) + 8,
        "tabs": [(reverse(name), title, name == url_name) for name, title in TABS
                 if request.user.has_perm(REPORTS[name][0])],
        "totals_cells": [{"text": cell_text(report["totals"][key], kind) if key in report["totals"] else "",
                          "num": kind in (MONEY, INT)} for key, _t, kind in report["columns"]],
    }
    return TemplateResponse(request, "finance/report.html", context)


TABS = [("finance_overdue", _("Просроченные платежи")), ("finance_future", _("Будущие платежи")),
        ("finance_revenue", _("Выручка")), ("finance_gross_profit", _("Валовая прибыль")),
        ("finance_portal_payments", _("Оплаты через кабинет")), ("finance_payroll", _("Начисления зарплаты")),
        ("finance_discounts", _("Скидки")), ("finance_bonuses", _("Бонусы")),
        ("finance_agents", _("Агенты"))]


@require_POST
def remind_view(request, invoice_id: int):
    if not request.user.has_perm(perms.VIEW_RECEIVABLES):
        raise PermissionDenied
    try:
        overdue_reminder_send(actor=request.user, invoice_id=invoice_id)
    except DomainError as exc:
        if exc.code == "not_found":
            raise Http404 from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Напоминание поставлено в очередь отправки."))
    return HttpResponseRedirect(reverse("finance_overdue"))
