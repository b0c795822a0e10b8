"""Desk pages of notifications: the full list of one's own (the bell's «все уведомления»), the bell's JSON and
«отметить прочитанными», «Мои уведомления» (kinds on/off, methods, Telegram link) and the groups' matrix page."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from unfold.decorators import display

from legal_crm.core.admin_base import ReadOnlyDeskAdmin
from legal_crm.core.errors import DomainError

from .. import perms
from ..models import Notification, TelegramLink
from . import preferences, selectors, service, telegram_link
from .kinds import METHODS, all_kinds, kind_label


class KindFilter(admin.SimpleListFilter):
    """The kinds in words (the kinds' registry), not their codes (leads.lead_assigned)."""

    title = _("вид")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(((code, str(spec["label"])) for code, spec in all_kinds().items()), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


METHOD_TITLES = {"in_app": _("В системе"), "telegram": _("Telegram"), "email": _("E-mail")}


@admin.register(Notification)
class NotificationAdmin(ReadOnlyDeskAdmin):
    """Everyone's own notifications; nobody sees another's (the selector)."""

    selector = staticmethod(selectors.notifications_of)
    list_display = ("created_at", "kind_title", "title_link", "text", "read_badge")
    list_filter = (KindFilter,)
    search_fields = ("title", "text")
    fields = ("created_at", "kind_title", "title", "text", "link", "read_at")
    readonly_fields = fields
    actions = ["mark_read"]

    def has_view_permission(self, request, obj=None):
        # every shipped role holds messaging.view_notification (fixtures/groups.json); the rows are one's own
        return super().has_view_permission(request, obj) and (obj is None or obj.user_id == request.user.pk)

    @display(description=_("Вид"))
    def kind_title(self, obj):
        return kind_label(obj.kind)

    @display(description=_("Уведомление"))
    def title_link(self, obj):
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', obj.link, obj.title) if obj.link else obj.title

    @display(description=_("Прочитано"), label={"new": "warning", "read": "success"})
    def read_badge(self, obj):
        return ("read", _("прочитано")) if obj.read_at else ("new", _("новое"))

    @admin.action(description=_("Отметить прочитанными"))
    def mark_read(self, request, queryset):
        count = service.notifications_mark_read(actor=request.user, ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("Отмечено прочитанными: %(n)s") % {"n": count})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("bell.json", view(self.bell_view), name="messaging_notification_bell"),
            path("read/", view(require_POST(self.read_view)), name="messaging_notification_read"),
            path("mine/", view(self.mine_view), name="messaging_notification_mine"),
            path("telegram/", view(require_POST(self.telegram_view)), name="messaging_notification_telegram"),
            path("groups/", view(self.groups_view), name="messaging_notification_groups"),
            *super().get_urls(),
        ]

    def bell_view(self, request):
        return JsonResponse(selectors.bell(request.user))

    def read_view(self, request):
        ids = [i for i in request.POST.getlist("id") if i.isdigit()] or None
        count = service.notifications_mark_read(actor=request.user, ids=ids)
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"marked": count, **selectors.bell(request.user)})
        return redirect(request.POST.get("next") or reverse("admin:messaging_notification_changelist"))

    # «Мои уведомления»
    def mine_view(self, request):
        if request.method == "POST":
            choices = {}
            for kind in all_kinds():
                choices[kind] = {"enabled": request.POST.get(f"{kind}:enabled") == "on",
                                 "methods": {m for m in METHODS if request.POST.get(f"{kind}:{m}") == "on"}}
            self.run_service(request, preferences.notification_preferences_set, actor=request.user,
                             choices=choices, success=_("Настройки уведомлений сохранены."))
            return redirect(reverse("admin:messaging_notification_mine"))
        rows = preferences.my_matrix(request.user)
        context = self.page_context(
            request, _("Мои уведомления"), rows=rows, methods=[(m, METHOD_TITLES[m]) for m in METHODS],
            telegram=TelegramLink.objects.filter(user=request.user).first(),
            code=request.session.pop("telegram_code", None))
        return TemplateResponse(request, "messaging/notifications_mine.html", context)

    def telegram_view(self, request):
        if request.POST.get("do") == "unlink":
            if self.run_service(request, telegram_link.telegram_unlink, actor=request.user):
                messages.success(request, _("Telegram отвязан."))
        else:
            result = self.run_service(request, telegram_link.telegram_code_issue, actor=request.user)
            if result:
                code, expires = result
                from django.utils import timezone

                request.session["telegram_code"] = {
                    "code": code, "expires": timezone.localtime(expires).strftime("%H:%M")}
        return redirect(reverse("admin:messaging_notification_mine"))

    # The groups' matrix
    def groups_view(self, request):
        if not request.user.has_perm(perms.VIEW_NOTIFICATIONRULE) and \
                not request.user.has_perm(perms.CHANGE_NOTIFICATIONRULE):
            raise PermissionDenied
        groups = list(Group.objects.order_by("name"))
        if not groups:
            return TemplateResponse(request, "messaging/notifications_groups.html",
                                    self.page_context(request, _("Уведомления: настройки групп"), groups=[]))
        wanted = request.GET.get("group", "")
        group = get_object_or_404(Group, pk=int(wanted) if wanted.isdigit() else groups[0].pk)
        from ..models import NotificationSchedule

        schedule = NotificationSchedule.objects.filter(group=group).first()
        errors = {}
        if request.method == "POST":
            matrix = {kind: {m for m in METHODS if request.POST.get(f"{kind}:{m}") == "on"} for kind in all_kinds()}
            try:
                times = {f: _parse_time(request.POST.get(f, "")) for f in ("quiet_from", "quiet_to", "digest_at")}
                hours = int(request.POST.get("digest_after_hours") or 24)
                preferences.notification_rules_set(actor=request.user, group=group, matrix=matrix,
                                                   digest_after_hours=hours, **times)
            except (ValueError, DomainError) as exc:
                errors = getattr(exc, "fields", None) or {"form": _("Проверьте время: ЧЧ:ММ.")}
                messages.error(request, getattr(exc, "message", None) or _("Проверьте время: ЧЧ:ММ."))
            else:
                messages.success(request, _("Настройки уведомлений группы «%(g)s» сохранены.") % {"g": group.name})
                return redirect(f"{reverse('admin:messaging_notification_groups')}?group={group.pk}")
        matrix = preferences.group_matrix(group)
        context = self.page_context(
            request, _("Уведомления: настройки групп"), groups=groups, group=group, errors=errors,
            methods=[(m, METHOD_TITLES[m]) for m in METHODS],
            rows=[{"kind": k, "label": str(spec["label"]), "chosen": matrix[k]} for k, spec in all_kinds().items()],
            schedule=schedule, can_change=request.user.has_perm(perms.CHANGE_NOTIFICATIONRULE))
        return TemplateResponse(request, "messaging/notifications_groups.html", context)


def _parse_time(value: str):
    value = (value or "").strip()
    if not value:
        return None
    return datetime.datetime.strptime(value, "%H:%M").time()
