"""Payroll and discount schemes in the desk. Payroll: the position rules (with their KPI bonuses), the runs with «Рассчитать», «Утвердить» and
each employee's payslip PDF. Thin: the services compute and approve, the selectors limit the rows."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action

from legal_crm.core.admin_base import DeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.dates import ANY, PlausibleDateFormField
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money
from legal_crm.core.forms import ServiceForm
from legal_crm.org.selectors import office_list_visible_to

from . import perms, selectors
from .models import DiscountScheme, PayrollKpi, PayrollLine, PayrollRule, PayrollRun
from .payslip import payslip_pdf
from .services.payroll import payroll_approve, payroll_compute

EMPLOYEES_SHOWN = 500


class PayrollKpiInline(TabularInline):
    model = PayrollKpi
    fields = ("metric", "threshold", "bonus")
    extra = 0


@admin.register(PayrollRule)
class PayrollRuleAdmin(DeskAdmin):
    selector = staticmethod(selectors.payroll_rule_list_visible_to)
    list_display = ("position", "office", "salary", "revenue_percent", "sales_percent", "payments_percent",
                    "violation_deduction", "is_active")
    list_filter = ("is_active", "position", "office")
    fields = ("position", "office", "salary", "revenue_percent", "sales_percent", "payments_percent",
              "violation_deduction", "is_active")
    inlines = (PayrollKpiInline,)


class PayrollComputeForm(ServiceForm):
    office = forms.ModelChoiceField(label=_("Офис"), queryset=None)
    date_from = PlausibleDateFormField(label=_("С"), kind=ANY)
    date_to = PlausibleDateFormField(label=_("По"), kind=ANY)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = office_list_visible_to(user)


@admin.register(PayrollRun)
class PayrollRunAdmin(ReadOnlyDeskAdmin):
    selector = staticmethod(selectors.payroll_run_list_visible_to)
    list_display = ("__str__", "office", "date_from", "date_to", "status", "employees", "total", "approved_at")
    list_filter = ("status", "office")
    fields = ("office", "date_from", "date_to", "status", "employees", "total", "computed_by", "approved_by",
              "approved_at", "posting", "by_employee")
    readonly_fields = fields
    actions_list = ["compute"]
    actions_detail = ["approve"]

    def has_compute_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_PAYROLLRUN)

    def has_approve_permission(self, request, object_id=None):
        # offered while the run waits for approval (the service refuses an approved one anyway)
        if not request.user.has_perm(perms.APPROVE_PAYROLLRUN):
            return False
        return object_id is None or PayrollRun.objects.filter(pk=object_id, status=PayrollRun.Status.CALCULATED).exists()

    def get_urls(self):
        return [path("<int:run_id>/payslip/<int:employee_id>/", self.admin_site.admin_view(self.payslip_view),
                     name="finance_payrollrun_payslip"), *super().get_urls()]

    @admin.display(description=_("По сотрудникам"))
    def by_employee(self, obj):
        rows = list(PayrollLine.objects.filter(run=obj).values("employee_id", "employee__user__last_name",
                                                               "employee__user__first_name", "position__name")
                    .annotate(total=Sum("amount"), lines=Count("id"))
                    .order_by("employee__user__last_name", "employee__user__first_name")[:EMPLOYEES_SHOWN])
        for row in rows:
            row["url"] = reverse("admin:finance_payrollrun_payslip", args=[obj.pk, row["employee_id"]])
        return render_to_string("finance/payroll_employees.html", {
            "rows": rows, "cut": obj.employees > EMPLOYEES_SHOWN, "shown": EMPLOYEES_SHOWN})

    @action(description=_("Рассчитать зарплату"), url_path="compute", icon="calculate", permissions=["compute"])
    def compute(self, request):
        first = timezone.localdate().replace(day=1)
        last_month_end = first - datetime.timedelta(days=1)  # the form offers the last whole month
        form = PayrollComputeForm(request.POST or None, user=request.user,
                                  initial={"date_from": last_month_end.replace(day=1), "date_to": last_month_end})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                run = payroll_compute(actor=request.user, office=data["office"], date_from=data["date_from"],
                                      date_to=data["date_to"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                text = (_("Расчёт уже утверждён — показан утверждённый.") if run.is_approved
                        else _("Зарплата рассчитана."))
                self.message_user(request, text, messages.SUCCESS)
                return redirect("admin:finance_payrollrun_change", run.pk)
        return self.form_page(request, title=_("Рассчитать зарплату"), form=form, submit=_("Рассчитать"),
                              back=reverse("admin:finance_payrollrun_changelist"))

    @action(description=_("Утвердить и провести"), url_path="approve", icon="task_alt", permissions=["approve"])
    def approve(self, request, object_id):
        run = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = ServiceForm(request.POST if request.method == "POST" else None)  # no fields: the POST is empty
        if request.method == "POST" and form.is_valid():
            try:
                payroll_approve(actor=request.user, run=run)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Расчёт утверждён и проведён в учёте."), messages.SUCCESS)
                return redirect("admin:finance_payrollrun_change", run.pk)
        return self.form_page(request, title=_("Утвердить расчёт зарплаты"), form=form, submit=_("Утвердить"),
                              summary=[(_("Расчёт"), str(run)), (_("Сотрудников"), run.employees),
                                       (_("К выплате"), format_money(run.total))],
                              back=reverse("admin:finance_payrollrun_change", args=[run.pk]))

    def payslip_view(self, request, run_id: int, employee_id: int):
        try:
            slip = selectors.payslip(request.user, run_id, employee_id)
        except (PayrollRun.DoesNotExist, PayrollLine.DoesNotExist) as exc:
            raise Http404(_("Расчётный лист не найден или вам недоступен.")) from exc
        response = HttpResponse(payslip_pdf(slip), content_type="application/pdf")
        response["Content-Disposition"] = (f'inline; filename="payslip-{run_id}-{employee_id}.pdf"')
        return response


@admin.register(DiscountScheme)
class DiscountSchemeAdmin(DeskAdmin):
    """Schemes per service; the discounts given are in the report «Скидки по договорам»."""

    list_display = ("name", "service", "kind", "max_value", "max_without_approval", "valid_from", "valid_until",
                    "is_active")
    list_filter = ("is_active", "kind", "service")
    search_fields = ("name",)
    fields = ("name", "service", "kind", "max_value", "max_without_approval", "valid_from", "valid_until",
              "grantor_groups", "is_active")
    filter_horizontal = ("grantor_groups",)
