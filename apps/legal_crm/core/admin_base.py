"""Base classes for the desk's model admins: office scoping through selectors, domain errors shown
as messages, history on every page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from legal_crm import hooks

from .errors import DomainError
from .unfold_lists import row_checkbox


def desk_choices(model, user):
    """The rows of `model` a desk form may offer `user` (hooks.DESK_CHOICE_SCOPES), or None: not scoped."""
    path = hooks.DESK_CHOICE_SCOPES.get(model._meta.label)
    return import_string(path)(user) if path else None


def _visible_ids(queryset, key: str, values) -> bool:
    try:
        wanted = {str(v) for v in values if str(v) != ""}
        return len(wanted) == queryset.filter(**{f"{key}__in": wanted}).values(key).distinct().count()
    except (ValueError, TypeError, ValidationError):
        return False


class DeskExtension:
    """What a higher module adds to a lower module's desk page, registered in hooks.DESK_EXTENSIONS under the
    page's model ("marketing.adsource"): the lower module never imports the higher one. All parts are optional."""

    inlines: tuple = ()  # inline admin classes shown under the form
    list_columns: tuple = ()  # callables `(obj) -> value` (with @admin.display) appended to the list
    list_select_related: tuple = ()  # what those columns read, joined in the list's query

    def urls(self, model_admin) -> list:
        """Extra URL patterns under the page's admin URL (their views wrapped in admin_view by the extension)."""
        return []

    def blocks(self, request, obj) -> list[tuple[str, list[tuple[str, object]]]]:
        """Read-only sections of the change page for this request: [(title, [(label, render(obj) -> html)])]."""
        return []


def _extensions(model_admin) -> list[DeskExtension]:
    return [import_string(path)() for path in hooks.DESK_EXTENSIONS.get(model_admin.opts.label_lower, ())]


def _readonly(label, render):
    def field(obj):
        return render(obj)

    field.short_description = label
    return field


class DeskAdmin(ModelAdmin):
    """ModelAdmin for the desk. Subclasses set `selector` to the function that limits the rows.

    Every foreign key and many-to-many to a scoped model (hooks.DESK_CHOICE_SCOPES: offices, leads, contracts,
    client cards) offers only the rows the user may see, a raw-id field shows no label for another's row, and an
    id of another's row in the add form's URL (`?lead=5`) answers 404."""

    selector = None  # callable(user) -> QuerySet
    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over the whole table

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # A record outside the user's rows (another office's) is not found: 404, as for one that never existed —
        # not a redirect whose message confirms the id.
        raise Http404(_("Запись не найдена или вам недоступна."))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = desk_choices(db_field.related_model, request.user)
        if scoped is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if scoped is not None and formfield is not None and isinstance(formfield.widget, ForeignKeyRawIdWidget):
            _scope_raw_id_label(formfield.widget, formfield.queryset, db_field.remote_field.field_name)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scoped = desk_choices(db_field.related_model, request.user)
        if scoped is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in initial.items():
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            scoped = desk_choices(field.related_model, request.user)
            if scoped is None:
                continue
            key = field.remote_field.field_name if field.many_to_one else "pk"
            if not _visible_ids(scoped, key, value if isinstance(value, list) else [value]):
                raise Http404
        return initial

    def action_checkbox(self, obj):
        return row_checkbox(obj.pk)

    action_checkbox.__dict__.update(ModelAdmin.action_checkbox.__dict__)  # the select-all header, as unfold's

    def get_queryset(self, request):
        if self.selector is not None:
            return type(self).selector(request.user)
        return super().get_queryset(request)

    # Parts added by higher modules (hooks.DESK_EXTENSIONS).
    def get_urls(self):
        return [*(url for ext in _extensions(self) for url in ext.urls(self)), *super().get_urls()]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *(i for ext in _extensions(self) for i in ext.inlines)]

    def get_list_display(self, request):
        return [*super().get_list_display(request), *(c for ext in _extensions(self) for c in ext.list_columns)]

    def get_list_select_related(self, request):
        own = super().get_list_select_related(request)
        extra = [name for ext in _extensions(self) for name in ext.list_select_related]
        if not extra or own is True:
            return own
        return [*(own or ()), *extra]

    def _extension_blocks(self, request, obj) -> list[tuple[str, list]]:
        # Built once per request and object, so the fieldsets and the read-only fields hold the same callables.
        cache = request.__dict__.setdefault("_desk_extension_blocks", {})
        key = (self.opts.label_lower, getattr(obj, "pk", None))
        if key not in cache:
            cache[key] = [(title, [_readonly(label, render) for label, render in rows])
                          for ext in _extensions(self) for title, rows in ext.blocks(request, obj)]
        return cache[key]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        return fieldsets + [(title, {"fields": fields}) for title, fields in self._extension_blocks(request, obj)]

    def get_readonly_fields(self, request, obj=None):
        extra = [f for _title, fields in self._extension_blocks(request, obj) for f in fields]
        return [*super().get_readonly_fields(request, obj), *extra]

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


def _scope_raw_id_label(widget, queryset, key: str) -> None:
    """A raw-id widget reads its label from the model's default manager: only rows of `queryset` get one."""
    original = widget.label_and_url_for_value

    def label_and_url_for_value(value):
        return original(value) if _visible_ids(queryset, key, [value]) else ("", "")

    widget.label_and_url_for_value = label_and_url_for_value


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
