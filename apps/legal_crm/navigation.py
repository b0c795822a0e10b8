"""The desk's sidebar: the product's sections, each listing only what the user may open.

SECTIONS is the one table to extend when a module adds a screen: a model label ("app.Model") links
to its list and shows when the user may view that model; a (title, url name, permission) triple links
to a custom desk page. Like hooks.py it names things by strings and imports no module: core's access matrix
reads it.
"""

from __future__ import annotations

import copy

from django.apps import apps
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SECTIONS: list[tuple] = [
    (_("Маркетинг"), "campaign", [
        "marketing.AdSource", "marketing.Partner", "messaging.Message",
        "messaging.MessageTemplate", "messaging.CustomTag", "campaigns.Campaign",
        (_("Лиды по источникам"), "admin:marketing_leads_by_source", "marketing.view_lead_report"),
    ]),
    (_("Продажи"), "point_of_sale", [
        "leads.Lead", "leads.PlannedCall",
        "leads.Script", "finance.ClientReferral",
    ]),
    (_("Исполнение"), "gavel", [
        "contracts.Contract", "contracts.TerminationRequest",
        "quality.Complaint", "quality.Review",
        "portal.PortalAccount",
    ]),
    (_("Финансы"), "payments", [
        "billing.Invoice", "billing.Payment", "billing.Subscription", "billing.InstalmentSchedule",
        "billing.LedgerEntry",
        (_("Дебиторская задолженность"), "finance_overdue", "finance.view_receivables"),
        (_("Будущие платежи"), "finance_future", "finance.view_receivables"),
        (_("Выручка"), "finance_revenue", "finance.view_revenue"),
        (_("Валовая прибыль"), "finance_gross_profit", "finance.view_revenue"),
        (_("Оплаты через кабинет"), "finance_portal_payments", "finance.view_revenue"),
        "finance.Certificate", "finance.BonusAccount",
        (_("Планы доходов и расходов"), "finance_plans", "finance.view_budgetplan"),
        (_("План и факт"), "finance_plan_fact", "finance.view_budgetplan"),
        (_("Учёт доходов и расходов"), "finance_books", "finance.view_accountingentry"),
        (_("Аналитика доходов и расходов"), "finance_analytics", "finance.view_accountingentry"),
        "finance.Article",
        "finance.PayrollRun", "finance.PayrollRule",
        (_("Статистика начислений зарплаты"), "finance_payroll", "finance.view_payrollrun"),
        "finance.DiscountScheme", (_("Скидки по договорам"), "finance_discounts", "finance.view_discountscheme"),
        "finance.BonusRule",
        (_("Бонусы по действующим договорам"), "finance_bonuses", "finance.view_bonusaccount"),
        "finance.AgentRule", "finance.AgentAccrual",
        (_("Выплаты агентам"), "finance_agents", "finance.view_agentaccrual"),
    ]),
    (_("Телефония"), "call", [
        "telephony.Call",
        (_("Статистика звонков"), "admin:telephony_call_stats", "telephony.view_call_stats"),
        (_("Просроченные звонки"), "admin:leads_plannedcall_overdue", "telephony.view_call_stats"),
        "telephony.CompanyNumber", "telephony.SipAccount", "telephony.Pbx",
    ]),
    (_("Задачи"), "task_alt", [
        "todos.Task", (_("Календарь задач"), "admin:todos_task_calendar", "todos.view_task"),
        "quality.Violation",
    ]),
    (_("Отчёты"), "monitoring", [
        (_("Штатное расписание: план и факт"), "admin:org_staffing_report", "org.view_staffingplan"),
        (_("NPS: отзывы клиентов"), "admin:quality_review_nps", "quality.view_nps_report"),
    ]),
    (_("Справочники"), "menu_book", [
        "directory.Counterparty", "directory.SelfRegulatoryOrganization", "directory.FinancialManager",
        "directory.Tag", "directory.ServiceGroup", "directory.Service",
        # Lead reference lists: operators and sales read them, so they are directories, not administration.
        "leads.LeadStatus", "leads.LeadType", "leads.RefusalReason", "leads.Question", "leads.SegmentThreshold",
    ]),
    (_("Администрирование"), "admin_panel_settings", [
        "org.Office", "org.Employee", "auth.Group", "org.Position", "org.StaffingPlan",
        "org.OffboardingTemplateItem", "org.OffboardingChecklist", "org.Banner", "core.AuditLog",
        "core.EventDelivery", "core.JobRun",
        "leads.SpamRule", "leads.DistributionRule", "messaging.Channel", "messaging.OptOut",
        "leads.LeadSettings", "leads.ClientMerge",
        "contracts.ContractNumbering", "contracts.ServiceSettings", "contracts.StageTemplate", "contracts.ActionType", "contracts.DocumentType",
        "contracts.DocumentTemplate", "contracts.TerminationStepTemplate",
        (_("Уведомления: настройки групп"), "admin:messaging_notification_groups", "messaging.view_notificationrule"),
        "todos.TaskRule", "quality.ReviewRequestRule",
        "quality.ViolationRule", "quality.ViolationPause",
    ]),
]


def _model_item(label: str, user) -> dict | None:
    try:
        model = apps.get_model(label)
    except LookupError:
        return None  # the module is not installed in this build
    opts = model._meta
    # The desk opens a list to whoever may view or change its records (Django's rule), so the sidebar does too.
    if not (user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")):
        return None
    try:
        link = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return None
    return {"title": capfirst(opts.verbose_name_plural), "link": link, "model": label}


def _page_item(title, url_name: str, perm: str, user) -> dict | None:
    if not user.has_perm(perm):
        return None
    try:
        return {"title": title, "link": reverse(url_name), "page": url_name}
    except NoReverseMatch:
        return None


def visible_sections(user) -> list[dict]:
    """The sections and links the user may open (a copy: the caller may change it)."""
    return copy.deepcopy(_sections(user))


# What the sidebar shows depends on the user's permissions only (has_perm) and on the language and URL prefix its
# titles and links are made in: the sections are computed once per such key and kept, their titles as text.
_MEMO_MAX = 64
_memo: dict[tuple, list[dict]] = {}


def _sections(user) -> list[dict]:
    key = (user.is_active, user.is_superuser, frozenset(user.get_all_permissions()), get_language(),
           get_script_prefix())
    found = _memo.get(key)
    if found is None:
        found = _compute_sections(user)
        if len(_memo) >= _MEMO_MAX:
            _memo.clear()
        _memo[key] = found
    return found


def _compute_sections(user) -> list[dict]:
    sections = []
    for title, icon, entries in SECTIONS:
        items = []
        for entry in entries:
            item = _model_item(entry, user) if isinstance(entry, str) else _page_item(*entry, user)
            if item:
                item["title"] = str(item["title"])
                item["icon"] = icon
                items.append(item)
        if items:
            sections.append({"title": str(title), "icon": icon, "items": items, "separator": True,
                             "collapsible": False})
    return sections


def sidebar(request) -> list[dict]:
    # unfold copies the navigation before marking the active link, so the kept sections are handed over as they are.
    home = {"title": _("Главная"), "items": [{"title": _("Мой день"), "icon": "home",
                                              "link": reverse("admin:index")}]}
    return [home, *_sections(request.user)]
