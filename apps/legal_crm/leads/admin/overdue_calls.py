"""The desk report «Просроченные звонки» (SPEC 5.6.11), mounted beside the planned-calls list
(leads/overdue_calls.py computes it)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from legal_crm.telephony import perms as telephony_perms

from .. import overdue_calls as report
from .. import perms
from ..source_report import parse_period, period_typed

BAR_WIDTH = 100  # per cent of the chart's width for the largest bucket


def overdue_calls_view(request):
    if not (request.user.has_perm(telephony_perms.VIEW_STATS) and request.user.has_perm(perms.VIEW_PLANNEDCALL)):
        raise PermissionDenied
    date_from, date_to, errors = parse_period(request.GET)
    by = request.GET.get("by") if request.GET.get("by") in report.GROUPINGS else "office"
    mode = request.GET.get("mode") if request.GET.get("mode") in report.MODES else "due"
    clients = request.GET.get("clients") if request.GET.get("clients") in report.CLIENTS else ""
    rows, totals = report.overdue_calls(request.user, date_from=date_from, date_to=date_to, by=by, mode=mode,
                                        clients=clients)
    heading = _("Сотрудник") if by == "employee" else _("Офис")
    if request.GET.get("export") == "xlsx" and not errors:  # a refused period: the page says why, no file
        response = HttpResponse(
            report.overdue_xlsx(rows, totals, date_from=date_from, date_to=date_to, heading=heading,
                                mode_label=str(report.MODES[mode])),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = (f'attachment; filename="overdue-calls-{date_from:%Y%m%d}-'
                                           f'{date_to:%Y%m%d}.xlsx"')
        return response
    peak = max(totals["buckets"], default=0) or 1
    chart = [{"label": label, "count": count, "bar": round(BAR_WIDTH * count / peak)}
             for (_lo, _hi, label), count in zip(report.BUCKETS, totals["buckets"], strict=True)]
    query = request.GET.copy()
    query["export"] = "xlsx"
    context = {
        **admin.site.each_context(request), "title": _("Просроченные звонки"), "rows": rows, "totals": totals,
        "chart": chart, "buckets": [label for _lo, _hi, label in report.BUCKETS], "errors": errors,
        "date_from": date_from, "date_to": date_to, "heading": heading,
        "typed": period_typed(request.GET, date_from, date_to, errors),
        "selects": [("by", report.GROUPINGS, by), ("mode", report.MODES, mode), ("clients", report.CLIENTS, clients)],
        "export_query": query.urlencode(),
    }
    return TemplateResponse(request, "leads/overdue_calls.html", context)
