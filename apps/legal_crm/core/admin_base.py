"""Base classes for the desk's model admins: office scoping through selectors, domain errors shown
as messages, history on every page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.widgets import UnfoldAdminTextInputWidget

from .errors import DomainError
from .fields import MoneyField, MoneyFormField
from .forms import CleanTextMixin
from .unfold_lists import row_checkbox

# For a model whose money is a plain DecimalField (the service's price): read it with the money parser too.
MONEY_DECIMALS = {MoneyField: {"form_class": MoneyFormField, "widget": UnfoldAdminTextInputWidget},
                  models.DecimalField: {"form_class": MoneyFormField, "widget": UnfoldAdminTextInputWidget}}


class DeskAdmin(ModelAdmin):
    """ModelAdmin for the desk. Subclasses set `selector` to the function that limits the rows."""

    selector = None  # callable(user) -> QuerySet
    # Money is read by the one parser (core.money): typed text, not the browser's number box.
    formfield_overrides = {MoneyField: MONEY_DECIMALS[MoneyField]}
    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over the whole table

    def action_checkbox(self, obj):
        return row_checkbox(obj.pk)

    action_checkbox.__dict__.update(ModelAdmin.action_checkbox.__dict__)  # the select-all header, as unfold's

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The model form, with every typed text cleaned of invisible and control characters (core.text)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, CleanTextMixin):
            return form
        return type(form.__name__, (CleanTextMixin, form), {"__module__": form.__module__})

    def get_queryset(self, request):
        if self.selector is not None:
            return type(self).selector(request.user)
        return super().get_queryset(request)

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
