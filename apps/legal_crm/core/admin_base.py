"""Base classes for the desk's model admins: office scoping through selectors, domain errors shown
as messages, history on every page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from .errors import DomainError
from .unfold_lists import row_checkbox


class DeskAdmin(ModelAdmin):
    """ModelAdmin for the desk. Subclasses set `selector` to the function that limits the rows."""

    selector = None  # callable(user) -> QuerySet
    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over the whole table

    def action_checkbox(self, obj):
        return row_checkbox(obj.pk)

    action_checkbox.__dict__.update(ModelAdmin.action_checkbox.__dict__)  # the select-all header, as unfold's

    def get_queryset(self, request):
        if self.selector is not None:
            return type(self).selector(request.user)
        return super().get_queryset(request)

    # Records without a service of their own are saved by the generic one (transaction + audit); an admin whose
    # model has business rules overrides these and calls its module's service.
    def save_model(self, request, obj, form, change):
        from . import services

        services.record_save(actor=request.user, obj=obj, created=not change, changed=form.changed_data)

    def delete_model(self, request, obj):
        from . import services

        services.record_delete(actor=request.user, obj=obj)

    def save_formset(self, request, form, formset, change):
        from . import services

        services.formset_save(actor=request.user, formset=formset)

    def delete_queryset(self, request, queryset):
        # The bulk «delete selected» action deletes record by record through delete_model, so an admin whose
        # delete_model calls a service (audit, scope, refusals) is not bypassed by the bulk action.
        for obj in queryset:
            self.delete_model(request, obj)

    def run_service(self, request, fn, *args, success: str | None = None, **kwargs):
        """Call a service and turn its DomainError into a message; returns the result or None."""
        try:
            result = fn(*args, **kwargs)
        except DomainError as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return None
        if success:
            self.message_user(request, success, level=messages.SUCCESS)
        return result


class ReadOnlyDeskAdmin(DeskAdmin):
    """A desk list of records written only by services (logs, queues): nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryDeskAdmin(SimpleHistoryAdmin, DeskAdmin):
    """A desk admin whose records keep their history (django-simple-history)."""

    # simple-history reads a record's history by id alone — falling back to the last historical copy when
    # get_queryset() does not find the record (meant for deleted ones) — so it would show records outside the
    # user's offices. Only records the desk's selector lets the user see; deleted ones to superusers.
    def _ensure_visible(self, request, object_id) -> None:
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
