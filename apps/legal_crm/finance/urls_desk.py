"""The finance reports under /admin/finance/reports/ (mounted before the admin in legal_crm/urls.py)."""

from django.contrib import admin
from django.urls import path

from . import desk


def _report(url_name: str):
    def view(request):
        return desk.report_view(request, url_name)
    return admin.site.admin_view(view)


urlpatterns = [
    path("overdue/", _report("finance_overdue"), name="finance_overdue"),
    path("future/", _report("finance_future"), name="finance_future"),
    path("revenue/", _report("finance_revenue"), name="finance_revenue"),
    path("gross-profit/", _report("finance_gross_profit"), name="finance_gross_profit"),
    path("portal-payments/", _report("finance_portal_payments"), name="finance_portal_payments"),
    path("payroll/", _report("finance_payroll"), name="finance_payroll"),
    path("discounts/", _report("finance_discounts"), name="finance_discounts"),
    path("bonuses/", _report("finance_bonuses"), name="finance_bonuses"),
    path("agents/", _report("finance_agents"), name="finance_agents"),
    path("overdue/<int:invoice_id>/remind/", admin.site.admin_view(desk.remind_view), name="finance_remind"),
]

# planning and accounting (issue 16, items 3–4)
from . import desk_books, desk_plans  # noqa: E402


def _book_report(url_name: str):
    def view(request):
        return desk_books.book_report_view(request, url_name)
    return admin.site.admin_view(view)


urlpatterns += [
    path("plans/", admin.site.admin_view(desk_plans.plan_list_view), name="finance_plans"),
    path("plans/<int:plan_id>/", admin.site.admin_view(desk_plans.plan_card_view), name="finance_plan"),
    path("plan-fact/", _book_report("finance_plan_fact"), name="finance_plan_fact"),
    path("books/", _book_report("finance_books"), name="finance_books"),
    path("books/analytics/", _book_report("finance_analytics"), name="finance_analytics"),
    path("books/new/", admin.site.admin_view(desk_books.entry_add_view), name="finance_entry_add"),
    path("books/<int:entry_id>/reverse/", admin.site.admin_view(desk_books.entry_reverse_view),
         name="finance_entry_reverse"),
    path("books/<int:entry_id>/document/", admin.site.admin_view(desk_books.entry_document_view),
         name="finance_entry_document"),
]
