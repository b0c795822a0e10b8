"""Agents' payouts in the desk: the partners' rules and the accruals with «Согласовать» and «Выплачено»."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from legal_crm.core.admin_base import DeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.errors import DomainError

from . import perms, selectors
from .models import AgentAccrual, AgentRule
from .services.agents import agent_accruals_move


@admin.register(AgentRule)
class AgentRuleAdmin(DeskAdmin):
    list_display = ("partner", "percent", "is_active")
    list_filter = ("is_active",)
    fields = ("partner", "percent", "is_active")


@admin.register(AgentAccrual)
class AgentAccrualAdmin(ReadOnlyDeskAdmin):
    selector = staticmethod(selectors.agent_accrual_list_visible_to)
    list_display = ("created_at", "partner", "contract", "payment", "base", "amount", "status", "approved_at",
                    "paid_at")
    list_filter = ("status", "partner")
    search_fields = ("contract__number", "partner__name")
    actions = ["approve", "pay"]

    def _move(self, request, queryset, action: str, done: str):
        try:
            count = agent_accruals_move(actor=request.user, ids=queryset.values_list("id", flat=True), action=action)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Согласовать выбранные"), permissions=["approve"])
    def approve(self, request, queryset):
        self._move(request, queryset, "approve", _("Согласовано начислений: %(n)s."))

    @admin.action(description=_("Отметить выплату выбранных"), permissions=["pay"])
    def pay(self, request, queryset):
        self._move(request, queryset, "pay", _("Отмечено выплаченных: %(n)s."))

    def has_approve_permission(self, request):
        return request.user.has_perm(perms.APPROVE_AGENTACCRUAL)

    def has_pay_permission(self, request):
        return request.user.has_perm(perms.PAY_AGENTACCRUAL)
