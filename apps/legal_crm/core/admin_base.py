"""Base classes for the desk's model admins: office scoping through selectors, domain errors shown
as messages, history on every page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import ALL_VAR, ORDER_VAR, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple, ForeignKeyRawIdWidget
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.forms import Select
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from legal_crm import hooks

from . import readonly_links
from .case_forms import accusative
from .errors import DomainError
from .fields import MoneyField, MoneyFormField, PhoneField
from .formatting import format_money
from .forms import CleanTextMixin
from .history_text import normalised, value_text
from .unfold_lists import row_checkbox
from .validators import format_phone

# For a model whose money is a plain DecimalField (the service's price): read it with the money parser too.
MONEY_DECIMALS = {MoneyField: {"form_class": MoneyFormField, "widget": UnfoldAdminTextInputWidget},
                  models.DecimalField: {"form_class": MoneyFormField, "widget": UnfoldAdminTextInputWidget}}


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


class _PostedIdsChecked:
    """An autocomplete box shown again with what was posted: Django looks the posted ids up as they are, and one that
    is not an id («12.5», «abc») raised ValueError — a 500 where the form says «Выберите корректный вариант»."""

    def optgroups(self, name, value, attr=None):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", opts.pk.attname))

        def is_id(v) -> bool:
            try:
                target.get_prep_value(v)
            except (ValueError, TypeError, ValidationError):
                return False
            return True

        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class DeskAutocompleteSelect(_PostedIdsChecked, AutocompleteSelect):
    pass


class DeskAutocompleteSelectMultiple(_PostedIdsChecked, AutocompleteSelectMultiple):
    pass


class CheckedAutocomplete:
    """For a model admin or an inline: its autocomplete boxes (autocomplete_fields) check the posted ids before
    showing them again (_PostedIdsChecked)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = DeskAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = DeskAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


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


class NoFacets:
    """No «Показать счётчики» on a desk list: a COUNT per choice of every filter over the whole list (the lead list:
    40 queries instead of 10, 0.7 s at 20,000 leads, tens of seconds at a million), one click or a `?_facets` away."""

    show_facets = admin.ShowFacets.NEVER


class CaseFormTitles:
    """Titles built from the record's name in the right case (core.case_forms): «Добавить контрагента»,
    «Изменить группу», «Выберите проводку для изменения» — Django puts the nominative into them."""

    def _case_title(self, request, obj=None, add=False) -> str:
        name = accusative(self.opts)
        if add:
            return _("Добавить %s") % name
        if self.has_change_permission(request, obj):
            return _("Изменить %s") % name
        return _("Просмотр: %s") % name

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        add = object_id is None
        obj = None if add else self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET":
            # Django's view reads the record again for the form: a page that only shows it gets this one.
            request._desk_object = (type(self), unquote(object_id), obj)
        extra_context = {"title": self._case_title(request, obj, add), **(extra_context or {})}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        kept = getattr(request, "_desk_object", None)
        if kept is not None and from_field is None and kept[0] is type(self) and kept[1] == object_id:
            return kept[2]
        return super().get_object(request, object_id, from_field)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        name = accusative(self.opts)
        if changelist.is_popup:
            changelist.title = _("Выберите %s") % name
        elif self.has_change_permission(request):
            changelist.title = _("Выберите %s для изменения") % name
        else:
            changelist.title = _("Выберите %s для просмотра") % name
        if changelist.full_result_count is None and not set(request.GET) - _NOT_NARROWING:
            # Nothing narrows the list, so its count is the whole one. Left unknown (show_full_result_count is off: no
            # second COUNT), unfold's header offered «(Показать все)» on every unfiltered list, as if rows were hidden.
            changelist.full_result_count = changelist.result_count
        return changelist


_NOT_NARROWING = {PAGE_VAR, ORDER_VAR, ALL_VAR}  # query parameters that page or sort a list without filtering it


SHOWN_SUFFIX = "__shown"


def _phone_text(value) -> str:
    return format_phone(value) or "—"


def _money_text(value) -> str:
    return format_money(value) if value is not None else "—"


class MoneyColumns:
    """Amounts and phones shown (list columns and read-only card fields) the way staff read them — 3 000,00 ₽
    through core.formatting.format_money, +7 916 123-45-67 through core.validators.format_phone — instead of
    Django's bare «3000,00» and «+79161234567»: each such field shown is swapped for a display of the same label.
    `phone_fields` names plain text fields that hold numbers too (a call's «с номера», a company number): E.164
    reads as a phone, anything else (an extension, an e-mail) as it is."""

    phone_fields: tuple[str, ...] = ()

    def _is_phone(self, field) -> bool:
        return isinstance(field, PhoneField) or field.name in self.phone_fields

    def _phone_names(self) -> set[str]:
        return {f.name for f in self.model._meta.concrete_fields if self._is_phone(f)}

    def _money_fields(self) -> dict:
        return {f.name: f for f in self.model._meta.concrete_fields
                if isinstance(f, MoneyField) or self._is_phone(f)}  # a plain decimal: a percent, a score

    def __getattr__(self, name):
        if name.endswith(SHOWN_SUFFIX):
            field = self._money_fields().get(name[:-len(SHOWN_SUFFIX)])
            if field is not None:
                text = _phone_text if self._is_phone(field) else _money_text

                def show(obj, field=field, text=text):
                    return text(getattr(obj, field.attname))
                show.short_description = capfirst(field.verbose_name)
                show.admin_order_field = field.name
                # Kept on the admin (one per site): the list asks for it once per row and cell, and a found
                # attribute no longer reaches __getattr__.
                self.__dict__[name] = show
                return show
        raise AttributeError(name)

    def _money_names(self, names, only=None):
        money = self._money_fields()
        return type(names)(f"{n}{SHOWN_SUFFIX}" if isinstance(n, str) and n in money and (only is None or n in only)
                           else n for n in names)

    def get_list_display(self, request):
        names = list(super().get_list_display(request))
        shown = set(names) - set(self.list_editable or ())  # an editable column stays an input
        return self._money_names(names, shown)

    def _shown_on_page(self, request, obj) -> set[str]:
        """Fields shown through their «__shown» displays besides the declared read-only ones (DeskAdmin: the phones
        of a record's page opened read-only)."""
        return set()

    def get_exclude(self, request, obj=None):
        """The read-only money fields stay out of the form under their own names too (they are shown renamed), and
        the displays shown in their place are no fields of the form (it is built from the fieldsets' names)."""
        excluded = super().get_exclude(request, obj)
        money = self._money_fields()
        hidden = [n for n in super().get_readonly_fields(request, obj) if n in money]
        hidden += [f"{n}{SHOWN_SUFFIX}" for n in sorted(self._shown_on_page(request, obj))]
        if not hidden:
            return excluded
        from_form = list(getattr(getattr(self.form, "_meta", None), "exclude", None) or []) if excluded is None else []
        return [*(excluded or []), *from_form, *hidden]

    def get_readonly_fields(self, request, obj=None):
        return self._money_names(list(super().get_readonly_fields(request, obj)))

    def get_fieldsets(self, request, obj=None):
        return self.shown_as_read(request, obj, super().get_fieldsets(request, obj))

    def shown_as_read(self, request, obj, sets, *, also=()):
        """`sets` with the read-only money and phones renamed to their displays; an admin whose get_fieldsets
        builds its own (without super()) passes them through this. `also`: more fields to show so."""
        readonly = {*super().get_readonly_fields(request, obj), *self._shown_on_page(request, obj), *also}
        return [(title, {**options, "fields": [
            self._money_names(tuple(f), readonly) if isinstance(f, list | tuple) else
            self._money_names((f,), readonly)[0] for f in options.get("fields", ())]}) for title, options in sets]


class DeskAdmin(NoFacets, CheckedAutocomplete, MoneyColumns, CaseFormTitles, ModelAdmin):
    """ModelAdmin for the desk. Subclasses set `selector` to the function that limits the rows.

    Every foreign key and many-to-many to a scoped model (hooks.DESK_CHOICE_SCOPES: offices, leads, contracts,
    client cards) offers only the rows the user may see, a raw-id field shows no label for another's row, and an
    id of another's row in the add form's URL (`?lead=5`) answers 404."""

    selector = None  # callable(user) -> QuerySet
    # Money is read by the one parser (core.money): typed text, not the browser's number box.
    formfield_overrides = {MoneyField: MONEY_DECIMALS[MoneyField]}
    list_per_page = 50
    show_full_result_count = False  # no second COUNT(*) over the whole table
    # unfold's change form asks for it once per field; left undefined, each failed template lookup ran dir() over
    # the whole admin class (issue #17: 34 times on the lead's change page). Empty: no field is shown conditionally.
    conditional_fields: dict = {}

    def page_context(self, request, title, **extra) -> dict:
        """The context of one of this admin's own pages (a report, a settings matrix): the desk's frame, and a header
        that reads «Раздел › Список › title». unfold builds it from model_admin and content_title; given opts instead,
        it stops at the list and never names the page."""
        return {**self.admin_site.each_context(request), "title": title, "model_admin": self, "content_title": title,
                **extra}

    def form_page(self, request, *, title, form, submit, summary=None, back=None, note=None, hidden=None):
        """One of this admin's own form pages (an action that collects input and calls a service), in the desk's
        frame: the title, a summary of the record it acts on (label, value pairs), a note, the form and its button,
        and the way back."""
        context = {**self.admin_site.each_context(request), "title": title, "form": form, "submit": submit,
                   "summary": summary or [], "back": back, "note": note, "hidden": hidden or {},
                   "opts": self.model._meta}
        return TemplateResponse(request, "core/form_page.html", context)

    def _shown_on_page(self, request, obj) -> set[str]:
        # A record's page opened read-only (the view right without the change right) shows its phones and amounts as
        # staff read them (+7 916 111-22-33, 3 000,00 ₽), as the list does; an editable page keeps them in their
        # boxes as stored.
        if obj is None or obj.pk is None or self.has_change_permission(request, obj):
            return set()
        return set(self._money_fields())

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # A record outside the user's rows (another office's) is not found: 404, as for one that never existed —
        # not a redirect whose message confirms the id.
        raise Http404(_("Запись не найдена или вам недоступна."))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = desk_choices(db_field.related_model, request.user)
        if scoped is not None and "queryset" not in kwargs:
            kwargs["queryset"] = scoped
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, ForeignKeyRawIdWidget):
            related = self.admin_site._registry.get(db_field.related_model)
            if related is None or not related.has_view_or_change_permission(request):
                # The magnifier opens the related list, which this reader may not open (a 403 in the popup): the
                # record's number is typed instead (finance records a referral's lead by its number).
                formfield.widget = UnfoldAdminTextInputWidget(attrs={"inputmode": "numeric"})
                formfield.help_text = _("Номер записи: список «%(list)s» вам не открыт.") % {
                    "list": capfirst(db_field.related_model._meta.verbose_name_plural)}
            elif scoped is not None:
                _scope_raw_id_label(formfield.widget, formfield.queryset, db_field.remote_field.field_name)
        return fast_select(formfield)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        return fast_select(super().formfield_for_choice_field(db_field, request, **kwargs))

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

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The model form, with every typed text cleaned of invisible and control characters (core.text)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        if not issubclass(form, CleanTextMixin):
            form = type(form.__name__, (CleanTextMixin, form), {"__module__": form.__module__})
        setattr(form, readonly_links.REQUEST_ATTR, request)  # a class built for this request (core.readonly_links)
        return form

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        for formset in formsets:  # their form classes are built for this request too
            setattr(formset.form, readonly_links.REQUEST_ATTR, request)
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def get_queryset(self, request):
        if self.selector is not None:
            return type(self).selector(request.user)
        return super().get_queryset(request)

    @property
    def rows_are_scoped(self) -> bool:
        """Does the list show fewer rows than the table holds (a selector, or a get_queryset of its own)?"""
        return self.selector is not None or type(self).get_queryset is not DeskAdmin.get_queryset

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


FAST_SELECT_TEMPLATE = "desk/widgets/select.html"


def fast_select(formfield):
    """unfold's select prints each option through an include of Django's option template (two template renders an
    option: a fifth of the lead's change page went to its selects); the desk's template prints the same markup in
    place. Only for unfold's plain select with Django's option template, whose markup it copies."""
    widget = getattr(formfield, "widget", None)
    if type(widget) is UnfoldAdminSelectWidget and widget.option_template_name == Select.option_template_name \
            and widget.template_name == UnfoldAdminSelectWidget.template_name:
        widget.template_name = FAST_SELECT_TEMPLATE
    return formfield


def _scope_raw_id_label(widget, queryset, key: str) -> None:
    """A raw-id widget reads its label from the model's default manager: only rows of `queryset` get one."""
    original = widget.label_and_url_for_value

    def label_and_url_for_value(value):
        return original(value) if _visible_ids(queryset, key, [value]) else ("", "")

    widget.label_and_url_for_value = label_and_url_for_value


class ReadOnlyInline(TabularInline):
    """A log shown under a record: rows are read, never added, changed or deleted from the page."""

    extra = 0
    can_delete = False
    show_change_link = False
    # unfold's markup for rows without inputs, printed in one pass (a tenth of unfold's per-cell includes).
    template = "admin/edit_inline/readonly_tabular.html"
    # No title above each row: it was the row's str() («32: Перезвонить»), repeating the row's own cells.
    hide_title = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyDeskAdmin(DeskAdmin):
    """A desk list of records written only by services (logs, queues): nobody adds, edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """The «Изменения» column of a history page in words (core.history_text): choice labels, Да/Нет, names of
    related records, money and dates in Russian; a change that normalises to the same value is not one."""

    def context_for_delta_changes(self, delta):
        rows = []
        for change in delta.changes:
            field = self.model._meta.get_field(change.field)
            if normalised(field, change.old) == normalised(field, change.new):
                continue
            old = self.prepare_delta_change_value(change, change.old)
            new = self.prepare_delta_change_value(change, change.new)
            rows.append({"field": capfirst(field.verbose_name),
                         "old": value_text(self.model, change.field, old),
                         "new": value_text(self.model, change.field, new)})
        return rows


class HistoryDeskAdmin(SimpleHistoryAdmin, DeskAdmin):
    """A desk admin whose records keep their history (django-simple-history)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    # simple-history reads a record's history by id alone — falling back to the last historical copy when
    # get_queryset() does not find the record (meant for deleted ones) — so it would show records outside the
    # user's offices. Only records the desk's selector lets the user see; deleted ones to superusers.
    def _ensure_visible(self, request, object_id) -> None:
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # A proxy (a second desk page over the same table) keeps its concrete model's history: simple-history
        # marks only the concrete model's options, and would fail (a 500) on the proxy's.
        opts, concrete = model._meta, model._meta.concrete_model._meta
        if not hasattr(opts, "simple_history_manager_attribute") and \
                hasattr(concrete, "simple_history_manager_attribute"):
            opts.simple_history_manager_attribute = concrete.simple_history_manager_attribute

    def _has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        if not self._has_history():  # a model without simple-history: the desk's own log of changes
            return DeskAdmin.history_view(self, request, object_id, extra_context=extra_context)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._ensure_visible(request, object_id)
        if not self._has_history():
            raise Http404
        if request.method != "GET":
            # simple-history saves a posted past version after checking only the view right, through the generic
            # form — past every service, its rules and its audit. The desk only shows a past version; a change is
            # made on the record's own page (SIMPLE_HISTORY_REVERT_DISABLED hides the button too).
            raise PermissionDenied(_("Прошлую версию записи можно только посмотреть; изменения вносят на странице "
                                     "самой записи."))
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        form_page = context.get("adminform")
        if form_page is not None:
            # A past version is read, not edited: every field shows its value (no select listing every
            # employee or office of the company as its choices).
            # Its phones read as on a read-only page (DeskAdmin._shown_on_page), to an editor too.
            fieldsets = self.shown_as_read(request, form_page.form.instance, list(form_page.fieldsets),
                                           also=self._phone_names())
            context["adminform"] = helpers.AdminForm(form_page.form, fieldsets, {},
                                                     readonly_fields=flatten_fieldsets(fieldsets), model_admin=self)
            context["has_change_permission"] = False
        return super().render_history_view(request, template, context, **kwargs)
