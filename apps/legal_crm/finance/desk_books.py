"""Desk pages of plan vs fact, the books and their analytics (reports in finance/report.html), entering an
income or expense with its document, reversing a row, and the document download. Thin: the figures come from
plan_fact.py / books_reports.py, the writes from services/accounting.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.widgets import (
    UnfoldAdminDateWidget,
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from legal_crm.core.dates import PAST_EVENT, PlausibleDateFormField
from legal_crm.core.downloads import file_response
from legal_crm.core.errors import DomainError
from legal_crm.core.fields import MoneyFormField
from legal_crm.core.formatting import format_money
from legal_crm.core.forms import ServiceForm
from legal_crm.leads.source_report import parse_period, period_typed
from legal_crm.org.selectors import office_list_visible_to

from . import perms
from .books import entry_list_visible_to
from .books_reports import analytics_report, books_report
from .desk import XLSX
from .models import Article
from .plan_fact import plan_fact_report
from .report_common import INT, MONEY, cell_text, display_rows, to_xlsx
from .services.accounting import entry_add, entry_reverse

XLSX_ROWS = 50_000  # the export's cap: the whole period of a large chain, not the page's 500

# url name → (permission, builder, tab title)
BOOK_REPORTS = {
    "finance_plan_fact": (perms.VIEW_PLAN, "plan_fact", gettext_lazy("План и факт")),
    "finance_books": (perms.VIEW_ACCOUNTING, "books", gettext_lazy("Учёт доходов и расходов")),
    "finance_analytics": (perms.VIEW_ACCOUNTING, "analytics", gettext_lazy("Аналитика по месяцам")),
}


def _build(kind: str, user, date_from, date_to, chosen, *, export: bool) -> dict:
    if kind == "plan_fact":
        return plan_fact_report(user, date_from=date_from, date_to=date_to, **chosen)
    if kind == "books":
        return books_report(user, date_from=date_from, date_to=date_to, limit=XLSX_ROWS if export else 500,
                            **chosen)
    return analytics_report(user, date_from=date_from, date_to=date_to, **chosen)


def _chosen(params, choices: dict) -> dict:
    chosen = {}
    for name, queryset in choices.items():
        raw = (params.get(name) or "").strip()
        chosen[name] = queryset.filter(pk=int(raw)).first() if raw.isdigit() else None
    return chosen


def book_report_view(request, url_name: str):
    perm, kind, _title = BOOK_REPORTS[url_name]
    if not request.user.has_perm(perm):
        raise PermissionDenied
    date_from, date_to, errors = parse_period(request.GET)
    choices = {"office": office_list_visible_to(request.user).order_by("name"),
               "article": Article.objects.order_by("kind", "name")}
    chosen = _chosen(request.GET, choices)
    export = request.GET.get("export") == "xlsx" and not errors  # a refused period: the page says why, no file
    report = _build(kind, request.user, date_from, date_to, chosen, export=export)
    subtitle = f"{date_from:%d.%m.%Y} — {date_to:%d.%m.%Y}"
    if export:
        response = HttpResponse(to_xlsx(report, subtitle), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{kind}-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query["export"] = "xlsx"
    top_actions = []
    if kind == "books" and request.user.has_perm(perms.ADD_ACCOUNTING):
        top_actions.append((reverse("finance_entry_add"), _("Внести доход или расход")))
    if kind == "plan_fact" and request.user.has_perm(perms.VIEW_PLAN):
        top_actions.append((reverse("finance_plans"), _("Планы офисов")))
    labels = {"office": _("Офис"), "article": _("Статья")}
    context = {
        **admin.site.each_context(request),
        "title": report["title"], "report": report, "rows": display_rows(report), "errors": errors,
        "typed": period_typed(request.GET, date_from, date_to, errors),
        "subtitle": subtitle, "with_period": True, "date_from": date_from, "date_to": date_to, "days": None,
        "filters": [(name, labels[name], choices[name], chosen[name]) for name in choices],
        "export_query": query.urlencode(), "chart_height": 26 * len(report["chart"]) + 8,
        "tabs": [(reverse(name), title, name == url_name) for name, (p, _k, title) in BOOK_REPORTS.items()
                 if request.user.has_perm(p)],
        "top_actions": top_actions,
        "totals_cells": [{"text": cell_text(report["totals"][key], col) if key in report["totals"] else "",
                          "num": col in (MONEY, INT)} for key, _t, col in report["columns"]],
    }
    return TemplateResponse(request, "finance/report.html", context)


class EntryForm(ServiceForm):
    office = forms.ModelChoiceField(label=gettext_lazy("Офис"), queryset=None, widget=UnfoldAdminSelectWidget)
    article = forms.ModelChoiceField(label=gettext_lazy("Статья"), queryset=None, widget=UnfoldAdminSelectWidget)
    occurred_on = PlausibleDateFormField(label=gettext_lazy("Дата"), kind=PAST_EVENT, widget=UnfoldAdminDateWidget)
    amount = MoneyFormField(label=gettext_lazy("Сумма, ₽"), allow_zero=False,
                            widget=UnfoldAdminTextInputWidget(attrs={"inputmode": "decimal"}))
    description = forms.CharField(label=gettext_lazy("Содержание"), max_length=300,
                                  widget=UnfoldAdminTextInputWidget)
    document = forms.FileField(label=gettext_lazy("Документ (обязателен для расхода)"), required=False,
                               widget=UnfoldAdminFileFieldWidget)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = office_list_visible_to(user).order_by("name")
        # billing's article is filled from billing's payments and refunds, never by hand
        self.fields["article"].queryset = Article.objects.filter(is_active=True, code__isnull=True)


def _form_page(request, *, title, form, submit, back, summary=None, note=None):
    context = {**admin.site.each_context(request), "title": title, "form": form, "submit": submit,
               "summary": summary or [], "back": back, "note": note, "hidden": {}}
    return TemplateResponse(request, "core/form_page.html", context)


def entry_add_view(request):
    if not request.user.has_perm(perms.ADD_ACCOUNTING):
        raise PermissionDenied
    form = EntryForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry_add(actor=request.user, office=data["office"], article=data["article"],
                      occurred_on=data["occurred_on"], amount=data["amount"], description=data["description"],
                      document=data.get("document"))
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Запись внесена в учёт."))
            return HttpResponseRedirect(reverse("finance_books"))
    return _form_page(request, title=_("Доход или расход"), form=form, submit=_("Внести"),
                      back=reverse("finance_books"),
                      note=_("Записи учёта не изменяются: ошибочная запись сторнируется и вносится заново."))


class ReverseForm(ServiceForm):
    reason = forms.CharField(label=gettext_lazy("Причина сторнирования"), max_length=250,
                             widget=UnfoldAdminTextInputWidget)


def entry_reverse_view(request, entry_id: int):
    if not request.user.has_perm(perms.REVERSE_ACCOUNTING):
        raise PermissionDenied
    entry = get_object_or_404(entry_list_visible_to(request.user), pk=entry_id)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Запись сторнирована."))
            return HttpResponseRedirect(reverse("finance_books") + f"?date_from={entry.occurred_on:%d.%m.%Y}"
                                        f"&date_to={entry.occurred_on:%d.%m.%Y}")
    summary = [(_("Офис"), entry.office.name), (_("Статья"), entry.article.name),
               (_("Дата"), f"{entry.occurred_on:%d.%m.%Y}"), (_("Сумма"), format_money(entry.amount)),
               (_("Содержание"), entry.description)]
    return _form_page(request, title=_("Сторнировать запись учёта"), form=form, submit=_("Сторнировать"),
                      back=reverse("finance_books"), summary=summary,
                      note=_("Будет внесена запись с обратной суммой той же датой; исходная запись не меняется."))


def entry_document_view(request, entry_id: int):
    """The entry's document, for those who may see the entry: never served as public media."""
    entry = get_object_or_404(entry_list_visible_to(request.user), pk=entry_id)
    if not entry.document:
        raise Http404
    return file_response(request, entry.document)
