"""Desk pages of the call scripts: the constructor (script + steps), the kanban board and the move endpoint,
and read-only logs of cards, moves and messages. Imported from leads/admin/__init__.py."""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from unfold.admin import StackedInline
from unfold.decorators import display

from legal_crm.core.admin_base import HistoryDeskAdmin, ReadOnlyDeskAdmin
from legal_crm.core.admin_search import PhoneSearchMixin
from legal_crm.core.errors import DomainError
from legal_crm.leads import perms
from legal_crm.org.selectors import scope_to_offices

from ..models import Script, ScriptEnrollment, ScriptMessage, ScriptMove, ScriptStep
from . import selectors as selectors_scripts
from . import services as script_services


class ScriptStepInline(StackedInline):
    """A step as a block of rows, two fields a row: nine columns in one table row squeezed the name and the action
    to a few letters at 1366 px and ran 200–250 px past the edge."""

    model = ScriptStep
    extra = 0
    fields = (("name", "kind"), ("order", "wait_hours"), ("message_text",), ("template", "is_advertising"),
              ("refusal_status", "refusal_reason"))
    ordering = ("order", "id")


@admin.register(Script)
class ScriptAdmin(HistoryDeskAdmin):
    selector = selectors_scripts.script_list_visible_to
    list_display = ("name", "is_active", "start_events", "board_link")
    list_filter = ("is_active",)
    search_fields = ("name",)
    filter_horizontal = ("lead_types", "sources", "statuses")
    inlines = [ScriptStepInline]
    change_form_template = "leads/script_change_form.html"  # the message tags as chips above the steps
    fieldsets = (
        (None, {"fields": ("name", "description", "is_active")}),
        (gettext_lazy("Когда лид входит в скрипт"), {"fields": (
            "start_on_arrival", "start_on_status", "start_on_planned_call", "start_on_reengage")}),
        (gettext_lazy("Какие лиды (пусто — любые)"), {"fields": ("lead_types", "sources", "statuses")}),
    )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        from legal_crm.messaging.tags import available_tags

        context["message_tags"] = available_tags()
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @display(description=gettext_lazy("Запуск"))
    def start_events(self, obj):
        names = [str(Script._meta.get_field(f).verbose_name) for f in (
            "start_on_arrival", "start_on_status", "start_on_planned_call", "start_on_reengage") if getattr(obj, f)]
        return ", ".join(names) or "—"

    @display(description=gettext_lazy("Доска"))
    def board_link(self, obj):
        return format_html('<a class="text-primary-600 font-semibold" href="{}">{}</a>',
                           reverse("admin:leads_script_board", args=[obj.pk]), _("Открыть доску"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/board/", view(self.board_view), name="leads_script_board"),
            path("<int:pk>/board/move/", view(self.move_view), name="leads_script_board_move"),
            *super().get_urls(),
        ]

    def _script(self, request, pk) -> Script:
        # The board shows the cards (leads in the script), not only the script's settings.
        if not (request.user.has_perm(perms.VIEW_SCRIPT) and request.user.has_perm(perms.VIEW_SCRIPTENROLLMENT)):
            raise PermissionDenied
        return get_object_or_404(selectors_scripts.script_list_visible_to(request.user), pk=pk)

    def board_view(self, request, pk):
        script = self._script(request, pk)
        data = selectors_scripts.board(script, request.user)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Доска скрипта «%(s)s»") % {"s": script.name},
            "script": script,
            "original": script,  # unfold's header then reads "Продажи › Скрипты звонков › <the script>"
            "columns": data["columns"],
            "totals": data["totals"],
            "can_move": request.user.has_perm(perms.MOVE_SCRIPTENROLLMENT),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "leads/script_board.html", context)

    def move_view(self, request, pk):
        return _move(request, self._script(request, pk))


@require_POST
def _move(request, script: Script):
    try:
        body = json.loads(request.body or b"{}")
        card_id, step_id = int(body.get("card")), int(body.get("step"))
    except (ValueError, TypeError, AttributeError):
        return JsonResponse({"code": "invalid", "detail": _("Неверный запрос: нужны card и step.")}, status=400)
    card = selectors_scripts.enrollments_visible_to(request.user).filter(pk=card_id, script=script).first()
    if card is None:
        raise Http404
    step = ScriptStep.objects.filter(pk=step_id, script=script).first()
    if step is None:
        return JsonResponse({"code": "wrong_script", "detail": _("Этот шаг относится к другому скрипту.")},
                            status=400)
    try:
        card = script_services.enrollment_move(actor=request.user, enrollment=card, step=step)
    except DomainError as exc:
        status = 403 if exc.code == "access_denied" else 400
        return JsonResponse({"code": exc.code, "detail": exc.message, "fields": exc.fields}, status=status)
    return JsonResponse({"ok": True, "card": card.pk, "step": step.pk, "state": card.state,
                         **selectors_scripts.board_counters(script, request.user)})


@admin.register(ScriptEnrollment)
class ScriptEnrollmentAdmin(ReadOnlyDeskAdmin):
    selector = selectors_scripts.enrollments_visible_to
    list_display = ("lead", "script", "step", "state", "trigger", "step_entered_at", "next_action_at")
    list_filter = ("state", "script", "trigger")
    search_fields = ("=lead__phone",)


@admin.register(ScriptMove)
class ScriptMoveAdmin(ReadOnlyDeskAdmin):
    selector = selectors_scripts.moves_visible_to
    list_display = ("at", "lead", "script", "from_step", "to_step", "reason", "actor")
    list_filter = ("reason", "enrollment__script")

    @display(description=gettext_lazy("Лид"))
    def lead(self, obj):
        return obj.enrollment.lead

    @display(description=gettext_lazy("Скрипт"))
    def script(self, obj):
        return obj.enrollment.script


@admin.register(ScriptMessage)
class ScriptMessageAdmin(PhoneSearchMixin, ReadOnlyDeskAdmin):
    list_display = ("created_at", "channel", "phone", "status", "short_text", "error_text")
    phone_fields = ("phone",)
    list_filter = ("status", "channel")
    search_fields = ("=phone",)

    def get_queryset(self, request):
        qs = ScriptMessage.objects.select_related("lead", "step")
        if not request.user.has_perm(perms.VIEW_SCRIPTMESSAGE):
            return qs.none()
        return scope_to_offices(qs, request.user, field="lead__office")

    @display(description=gettext_lazy("Текст"))
    def short_text(self, obj):
        return obj.text[:80]
