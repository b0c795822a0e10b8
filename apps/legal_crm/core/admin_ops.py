"""Operations pages of the desk: «Сбои обработки» (event deliveries that failed) and the scheduled jobs' log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import deliveries, perms, scheduler
from .admin_base import ReadOnlyDeskAdmin
from .models import EventDelivery, JobRun


def _handler_choices(field: str):
    """Filter choices from the hooks tables, not a SELECT DISTINCT over the table."""
    from legal_crm import hooks

    if field == "event":
        return sorted(hooks.DOC_EVENTS)
    return sorted({path for paths in hooks.DOC_EVENTS.values() for path in paths})


class _ChoiceFilter(admin.SimpleListFilter):
    field = ""

    def lookups(self, request, model_admin):
        return [(value, value) for value in _handler_choices(self.field)]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class EventFilter(_ChoiceFilter):
    title, parameter_name, field = _("событие"), "event", "event"


class HandlerFilter(_ChoiceFilter):
    title, parameter_name, field = _("обработчик"), "handler", "handler"


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyDeskAdmin):
    """Reactions to events that failed: each kept with its payload and error until delivered or closed."""

    list_display = ("created_at", "event", "handler", "status", "attempts", "next_attempt_at", "short_error")
    list_filter = ("status", EventFilter, HandlerFilter, ("created_at", admin.DateFieldListFilter))
    search_fields = ("event", "handler", "error")
    readonly_fields = ("event", "handler", "payload", "status", "attempts", "created_at", "last_attempt_at",
                       "next_attempt_at", "resolved_at", "resolved_by", "error_block")
    fields = readonly_fields
    actions = ("retry_selected", "resolve_selected")

    @admin.display(description=_("ошибка"))
    def short_error(self, obj):
        lines = [line for line in obj.error.strip().splitlines() if line.strip()]
        return lines[-1][:160] if lines else ""

    @admin.display(description=_("ошибка"))
    def error_block(self, obj):
        return format_html('<pre class="text-xs whitespace-pre-wrap">{}</pre>', obj.error)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(perms.VIEW_EVENTDELIVERY)

    @admin.action(description=_("Повторить сейчас"), permissions=["retry"])
    def retry_selected(self, request, queryset):
        result = self.run_service(request, deliveries.deliveries_retry, actor=request.user, deliveries=queryset)
        if result is not None:
            ok, failed = result
            self.message_user(request, ngettext("Доставлено: %(ok)d, снова не удалось: %(failed)d.",
                                                "Доставлено: %(ok)d, снова не удалось: %(failed)d.", ok)
                              % {"ok": ok, "failed": failed},
                              level=messages.SUCCESS if not failed else messages.WARNING)

    @admin.action(description=_("Отметить решёнными"), permissions=["retry"])
    def resolve_selected(self, request, queryset):
        closed = self.run_service(request, deliveries.deliveries_resolve, actor=request.user, deliveries=queryset)
        if closed is not None:
            self.message_user(request, ngettext("Закрыт %(n)d сбой.", "Закрыто сбоев: %(n)d.", closed)
                              % {"n": closed}, level=messages.SUCCESS)

    def has_retry_permission(self, request):
        return request.user.has_perm(deliveries.PERM)


class JobFilter(admin.SimpleListFilter):
    """Jobs by their Russian titles, from the table of jobs (hooks.SCHEDULER_EVENTS, hooks.JOB_TITLES) — not a
    SELECT DISTINCT over the log."""

    title, parameter_name = _("задание"), "job"

    def lookups(self, request, model_admin):
        return scheduler.job_choices()

    def queryset(self, request, queryset):
        return queryset.filter(job=self.value()) if self.value() else queryset


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyDeskAdmin):
    """Every run of a scheduled job: when it started, how long it took, what it handled, how it ended. Jobs are
    named in Russian (hooks.JOB_TITLES); the page of a run shows the dotted path too, for `manage.py run_job`."""

    list_display = ("started_at", "job_title", "status", "duration_ms", "rows", "short_error")
    list_filter = ("status", JobFilter, ("started_at", admin.DateFieldListFilter))
    search_fields = ("job", "error")
    readonly_fields = ("job_title", "job_path", "status", "started_at", "finished_at", "duration_ms", "rows",
                       "error_block")
    fields = readonly_fields

    short_error = EventDeliveryAdmin.short_error
    error_block = EventDeliveryAdmin.error_block

    @admin.display(description=_("задание"))
    def job_title(self, obj):
        return obj.title

    @admin.display(description=_("путь задания"))
    def job_path(self, obj):
        return obj.job

    def get_search_results(self, request, queryset, search_term):
        """The path or the error as typed, and the jobs whose Russian title holds the words."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        titled = scheduler.jobs_titled(search_term)
        if titled:
            found = found | queryset.filter(job__in=titled)
        return found, may_have_duplicates
