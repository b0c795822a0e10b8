import copy

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from legal_crm import hooks

from . import access
from .access_history import describe_entries
from .access_sync import load_roles
from .admin_access import AccessMatrixWidget, GroupForm
from .admin_base import CaseFormTitles, DeskAdmin, NoFacets, ReadOnlyDeskAdmin
from .audit import audit_for
from .history_text import texts_of_page
from .models import AuditLog, EventOutbox, User

admin.site.unregister(Group)
admin.site.site_title = _("Legal CRM")
admin.site.site_header = _("Legal CRM")
admin.site.index_title = _("Мой день")
admin.site.empty_value_display = "—"  # the dash the desk writes everywhere else, not Django's hyphen


@admin.register(User)
class UserAdmin(NoFacets, CaseFormTitles, BaseUserAdmin, ModelAdmin):
    """Accounts (passwords, logins). Access is edited on the employee page, through the services."""

    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Личные данные"), {"fields": ("last_name", "first_name", "middle_name", "email", "phone")}),
        (_("Статус"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ("is_active", "last_login", "date_joined")
    list_display = ("username", "last_name", "first_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff")


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin, DeskAdmin):
    form = GroupForm
    filter_horizontal = ()
    readonly_fields = ("rights", "rights_history")

    def get_fields(self, request, obj=None):
        history = ("rights_history",) if obj is not None else ()
        if access.is_administrator(request.user):
            return ("name", "permissions", *history)
        return ("name", "rights", *history)  # the same matrix, read-only, never the raw permission names

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.name in load_roles() and "permissions" in form.base_fields:
            # core.access_sync merges fixtures/groups.json into a shipped role on every update (migrate): the
            # administrator knows their changes stay and what an update may still change.
            field = form.base_fields["permissions"] = copy.copy(form.base_fields["permissions"])  # not the form's own
            field.help_text = _(
                "Встроенная роль: ваши изменения её прав сохраняются при обновлениях программы. Обновление только "
                "добавляет роли права новых разделов и убирает права, которые из роли исключены; каждое такое "
                "изменение видно в истории прав группы.")
        return form

    @admin.display(description=_("права"))
    def rights(self, obj):
        widget = AccessMatrixWidget(attrs={"disabled": True})
        return widget.render("rights", [p.pk for p in obj.permissions.all()] if obj and obj.pk else [])

    @admin.display(description=_("история прав группы"))
    def rights_history(self, obj):
        rows = list(audit_for(obj).filter(action="access.group_permissions")[:50])
        if not rows:
            return _("Права группы не менялись.")
        return render_to_string("core/access_history.html", {"rows": rows})

    def has_add_permission(self, request):
        return access.is_administrator(request.user)

    def has_change_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.is_administrator(request.user)

    def save_related(self, request, form, formsets, change):
        # Permissions go through the service: it checks the actor and writes the history.
        # Only the matrix's rights are offered; the group keeps the technical ones it has.
        group = form.instance
        before, after = access.group_permissions_set_within(actor=request.user, group=group,
                                                            permissions=form.cleaned_data["permissions"],
                                                            within=form.matrix_permissions)
        form.rights_change = AuditLog(actor=request.user, action="access.group_permissions",
                                      object_repr=str(group), before=before, after=after)

    def construct_change_message(self, request, form, formsets, add=False):
        # The record's «История» tells which rights changed, in the words of the rights history, not Django's
        # «Изменено права.».
        change = getattr(form, "rights_change", None)
        sentences = describe_entries([change]).get(change.pk, []) if change is not None else []
        others = [name for name in form.changed_data if name != "permissions"]
        if add or not sentences:
            return super().construct_change_message(request, form, formsets, add)
        if others:
            sentences.insert(0, _("Изменено название группы."))
        return " ".join(f"{sentence}." for sentence in sentences)


class AuditActionFilter(admin.SimpleListFilter):
    """Actions from the table of their names (hooks.AUDIT_LABELS), not a SELECT DISTINCT over the whole log."""

    title = _("действие")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(hooks.AUDIT_LABELS.items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditRecordKindFilter(admin.SimpleListFilter):
    """Kinds of records as the desk names them (the sections people work in), not every Django content type:
    no login-lock tables, historical copies or sessions."""

    title = _("вид записи")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        from django.contrib.contenttypes.models import ContentType
        from django.utils.text import capfirst

        models = [m for m in model_admin.admin_site._registry if desk_model(m)]
        types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
        return sorted(((ct.pk, capfirst(str(m._meta.verbose_name_plural))) for m, ct in types.items()),
                      key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if str(self.value() or "").isdigit() else queryset


def desk_model(model) -> bool:
    """A model people work with in the desk: not a technical table of a library."""
    meta = model._meta
    return meta.app_label not in ("axes", "sessions", "contenttypes", "admin") and \
        not meta.model_name.startswith("historical")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyDeskAdmin):
    list_display = ("at", "actor", "action_label", "record_kind", "object_repr", "changes")
    fields = ("at", "actor", "action_label", "content_type", "object_id", "object_repr", "changes", "before", "after")
    readonly_fields = ("action_label", "changes")
    # Newest first, no date_hierarchy: it needs MariaDB's time zone tables (CONVERT_TZ), which a plain
    # MariaDB install lacks.
    list_filter = (AuditActionFilter, AuditRecordKindFilter)
    search_fields = ("object_repr", "actor__username")
    list_select_related = ("actor", "content_type")
    fields = ("at", "actor", "action_label", "record_kind", "object_repr", "changes")
    readonly_fields = fields

    @admin.display(description=_("действие"), ordering="action")
    def action_label(self, obj):
        return hooks.AUDIT_LABELS.get(obj.action, obj.action)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Access rows told as sentences, with one query for the names of all the rights on the page.
        described = describe_entries(changelist.result_list)
        for row in changelist.result_list:
            row._access_sentences = described.get(row.pk, [])
        # The page's entries in words, the records they name read in one query per model.
        for row, text in zip(changelist.result_list, texts_of_page(changelist.result_list, self.changes), strict=True):
            row._changes = text
        return changelist

    @admin.display(description=_("вид записи"))
    def record_kind(self, obj):
        from django.utils.text import capfirst

        model = obj.content_type.model_class() if obj.content_type_id else None
        return capfirst(str(model._meta.verbose_name)) if model is not None else "—"

    @admin.display(description=_("что изменилось"))
    def changes(self, obj):
        """Access changes as sentences («…: выдано право …»), every other change as its fields in words."""
        from .history_text import audit_text

        done = getattr(obj, "_changes", None)
        if done is not None:
            return done
        sentences = getattr(obj, "_access_sentences", None)
        if sentences is None:
            sentences = describe_entries([obj]).get(obj.pk, [])
        if sentences:
            return format_html_join(mark_safe("<br>"), "{}", ((sentence,) for sentence in sentences))
        model = obj.content_type.model_class() if obj.content_type_id else None
        return audit_text(obj.action, model, obj.before, obj.after) or "—"


@admin.register(EventOutbox)
class EventOutboxAdmin(ReadOnlyDeskAdmin):
    """Events committed but not relayed yet: normally empty; rows that stay mean the Celery worker or beat is down."""

    list_display = ("id", "created_at", "__str__")
    ordering = ("id",)


def _desk_axes_admins() -> None:
    """django-axes' lists (lockouts, login log) in the desk's look, without date_hierarchy: that needs
    MariaDB's time zone tables, which a plain MariaDB install lacks (the list would fail with a 500)."""
    from django.apps import apps

    for model in apps.get_app_config("axes").get_models():
        if not admin.site.is_registered(model):
            continue
        base = type(admin.site._registry[model])
        admin.site.unregister(model)
        attrs = {"__module__": __name__, "date_hierarchy": None}
        # axes names some columns in English only («User Agent», «Status»): their Russian names.
        columns = []
        for name in base.list_display:
            if name == "status":  # a method of axes' admin (not a field), in English: «3 Attempt Remaining»
                attrs["status_ru"] = admin.display(description=AXES_COLUMNS[name], ordering="failures_since_start")(
                    _axes_attempt_status)
                columns.append("status_ru")
            elif name in AXES_COLUMNS:
                attrs[f"{name}_ru"] = admin.display(description=AXES_COLUMNS[name], ordering=name)(
                    lambda self, obj, name=name: getattr(obj, name))
                columns.append(f"{name}_ru")
            else:
                columns.append(name)
        attrs["list_display"] = tuple(columns)
        if getattr(base, "list_filter", None):
            attrs["list_filter"] = [_axes_locked_filter() if getattr(f, "parameter_name", None) == "locked_out" else f
                                    for f in base.list_filter]
        admin.site.register(model, type(base.__name__, (NoFacets, CaseFormTitles, base, ModelAdmin), attrs))


AXES_COLUMNS = {"user_agent": _("браузер"), "status": _("статус")}


def _axes_locked_filter():
    """axes' «Locked Out: Yes/No» filter with Russian words."""
    from axes.admin import IsLockedOutFilter

    class LockedOutFilter(IsLockedOutFilter):
        title = _("вход заблокирован")

        def lookups(self, request, model_admin):
            return (("yes", _("да")), ("no", _("нет")))

    return LockedOutFilter


def _axes_attempt_status(self, obj) -> str:
    """An access attempt's state in Russian: how many tries are left, or blocked."""
    from django.conf import settings

    left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
    if left > 0:
        return _("осталось попыток: %(n)s") % {"n": left}
    return _("вход заблокирован")


_desk_axes_admins()


def _desk_token_admin() -> None:
    """DRF's token list with the desk's titles (its name in the right case)."""
    from rest_framework.authtoken.models import TokenProxy

    if admin.site.is_registered(TokenProxy):
        base = type(admin.site._registry[TokenProxy])
        admin.site.unregister(TokenProxy)
        admin.site.register(TokenProxy, type(base.__name__, (NoFacets, CaseFormTitles, base), {"__module__": __name__}))


_desk_token_admin()

from . import admin_ops  # noqa: E402,F401  the operations pages register themselves
