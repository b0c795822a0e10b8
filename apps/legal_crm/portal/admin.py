"""The desk's view of the portal: per client whether they use it (last visit, actions read), and an
administrator's resend of the invitation and blocking of access (list actions, POST with CSRF)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from legal_crm.core.admin_base import ReadOnlyDeskAdmin

from . import perms, selectors
from .models import PortalAccount
from .services import access


@admin.register(PortalAccount)
class PortalAccountAdmin(ReadOnlyDeskAdmin):
    selector = staticmethod(selectors.account_list_visible_to)
    list_display = ("client", "phone", "status_badge", "last_visit_at", "actions_read", "invited_at")
    list_filter = ("status",)
    search_fields = ("client__name", "phone")
    readonly_fields = ("client", "phone", "status", "news_channel", "last_visit_at", "invited_at", "closed_at",
                       "blocked_reason", "created_at")
    fields = readonly_fields
    phone_fields = ("phone",)
    actions = ["resend_invitation", "block_access", "unblock_access"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(read_count=Count("receipts"))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perms.VIEW_PORTALACCOUNT)

    def has_manage_permission(self, request):
        return request.user.has_perm(perms.MANAGE_PORTALACCOUNT)

    @display(description=_("Доступ"), label={"active": "success", "closed": "info", "blocked": "danger"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Прочитано действий"), ordering="read_count")
    def actions_read(self, obj):
        return obj.read_count

    def _each(self, request, queryset, fn, success):
        done = sum(1 for account in queryset if self.run_service(request, fn, actor=request.user, account=account))
        if done:
            self.message_user(request, success % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Отправить приглашение ещё раз"), permissions=["manage"])
    def resend_invitation(self, request, queryset):
        self._each(request, queryset, access.invitation_resend, _("Приглашений отправлено: %(n)s."))

    @admin.action(description=_("Заблокировать доступ к кабинету"), permissions=["manage"])
    def block_access(self, request, queryset):
        def block(*, actor, account):
            return access.account_block(actor=actor, account=account, blocked=True,
                                        reason=str(_("Заблокирован в рабочем месте")))
        self._each(request, queryset, block, _("Заблокировано: %(n)s."))

    @admin.action(description=_("Разблокировать доступ"), permissions=["manage"])
    def unblock_access(self, request, queryset):
        def unblock(*, actor, account):
            return access.account_block(actor=actor, account=account, blocked=False)
        self._each(request, queryset, unblock, _("Разблокировано: %(n)s."))
