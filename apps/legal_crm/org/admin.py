from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import StackedInline, TabularInline
from unfold.decorators import action, display

from legal_crm.core import access
from legal_crm.core import services as core_services
from legal_crm.core.admin_base import DeskAdmin, HistoryDeskAdmin
from legal_crm.core.audit import audit_for
from legal_crm.core.formatting import format_signed
from legal_crm.core.forms import errors_text
from legal_crm.org import perms

from . import selectors, services
from .admin_access import EmployeeAccessMixin
from .dismissal_form import OffboardingSignForm
from .forms import EmployeeAccountForm, EmployeeAddForm, EmployeeForm, StaffingPlanForm
from .models import (
    Banner,
    Employee,
    OffboardingChecklist,
    OffboardingItem,
    OffboardingTemplateItem,
    Office,
    OfficeHours,
    OfficePhoto,
    Position,
    StaffingPlan,
)


class OfficeChoicesMixin:
    """Office fields offer only the offices whose rows the user sees (all of them with org.view_all_offices)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Office:
            kwargs["queryset"] = selectors.office_list_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Office:
            kwargs["queryset"] = selectors.office_list_visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OfficeHoursInline(TabularInline):
    model = OfficeHours
    extra = 0
    max_num = 7


class OfficePhotoInline(StackedInline):
    model = OfficePhoto
    extra = 0


class StaffingInline(TabularInline):
    model = StaffingPlan
    form = StaffingPlanForm
    extra = 0


@admin.register(Office)
class OfficeAdmin(HistoryDeskAdmin):
    selector = selectors.office_list_visible_to
    list_display = ("name", "city", "time_zone", "phone", "is_active")
    list_filter = ("is_active", "city")
    search_fields = ("name", "city", "address")
    prepopulated_fields = {"code": ("name",)}
    inlines = [OfficeHoursInline, StaffingInline, OfficePhotoInline]
    fieldsets = (
        (None, {"fields": ("name", "code", "city", "region", "address", "phone", "email", "time_zone", "is_active")}),
        (_("Запись клиентов"), {"fields": ("booking_limit_per_hour",)}),
        (_("Юридическое лицо"), {"fields": ("legal_name", "inn", "kpp", "ogrn", "legal_address",
                                            "bank_name", "bik", "account", "corr_account")}),
        (_("Геолокация"), {"fields": ("latitude", "longitude")}),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is StaffingPlan:  # the staffing plan's rows through their service (range, scope, audit)
            services.staffing_formset_save(actor=request.user, formset=formset)
        else:  # hours and photos: the generic audited save
            core_services.formset_save(actor=request.user, formset=formset)


@admin.register(Position)
class PositionAdmin(DeskAdmin):
    list_display = ("name", "code", "default_group")
    search_fields = ("name",)
    prepopulated_fields = {"code": ("name",)}


@admin.register(StaffingPlan)
class StaffingPlanAdmin(OfficeChoicesMixin, HistoryDeskAdmin):
    form = StaffingPlanForm
    list_display = ("office", "position", "headcount")
    list_filter = (("office", RelatedOnlyFieldListFilter), "position")
    list_select_related = ("office", "position")

    def get_queryset(self, request):
        return selectors.scope_to_offices(super().get_queryset(request), request.user)

    def save_model(self, request, obj, form, change):
        services.staffing_plan_save(actor=request.user, plan=obj)

    def get_urls(self):
        return [
            path("report/", self.admin_site.admin_view(self.report_view), name="org_staffing_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not request.user.has_perm(perms.VIEW_STAFFINGPLAN):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        rows = selectors.staffing_report(request.user)
        totals = {k: sum(r[k] for r in rows) for k in ("planned", "actual", "difference")}
        for row in [*rows, totals]:
            row["difference_text"] = format_signed(row["difference"])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Штатное расписание: план и факт"),
            "rows": rows,
            "totals": totals,
        }
        return TemplateResponse(request, "org/staffing_report.html", context)


JOURNAL_LIMIT = 50


def employee_journal(employee: Employee) -> list:
    """The audit log's entries about the employee and their account, newest first, each with `label` (what was
    done) and `change_text` (what changed, in words): the names and e-mail live on the account and the offices in a
    many-to-many, so the profile's simple-history never saw them change (the «История» page showed «Создано» only
    after HR had changed the surname, the e-mail and the phone)."""
    from legal_crm import hooks
    from legal_crm.core.access_history import describe_entries
    from legal_crm.core.history_text import audit_text, texts_of_page
    from legal_crm.core.models import User

    models_by_row = {}
    rows = []
    for obj, model in ((employee, Employee), (employee.user, User)):
        for row in audit_for(obj)[:JOURNAL_LIMIT]:
            models_by_row[row.pk] = model
            rows.append(row)
    rows = sorted(rows, key=lambda r: (r.at, r.pk), reverse=True)[:JOURNAL_LIMIT]
    described = describe_entries(rows)  # the access and the offices as sentences («…: добавлен офис «Москва»»)

    def text(row) -> str:
        if row.pk in described:
            return "; ".join(described[row.pk])
        return audit_text(row.action, models_by_row[row.pk], row.before, row.after)  # phones read as staff read them

    for row, change_text in zip(rows, texts_of_page(rows, text), strict=True):
        row.label = hooks.AUDIT_LABELS.get(row.action, row.action)
        row.change_text = change_text or "—"
    return rows


@admin.register(Employee)
class EmployeeAdmin(EmployeeAccessMixin, OfficeChoicesMixin, HistoryDeskAdmin):
    selector = selectors.employee_list_visible_to
    form = EmployeeForm
    list_display = ("__str__", "position", "main_office", "status_badge", "username")
    list_filter = ("status", "position", ("main_office", RelatedOnlyFieldListFilter))
    search_fields = ("user__last_name", "user__first_name", "user__username", "phone")
    autocomplete_fields = ()
    filter_horizontal = ("offices",)
    readonly_fields = ("status_text", "dismissed_on", "access_history", "access_matrix", "full_name_text",
                       "email_text")
    actions = ["make_active", "make_on_leave", "make_blocked", "dismiss"]
    object_history_template = "org/employee_history.html"

    def render_history_view(self, request, template, context, **kwargs):
        employee = context.get("object")
        if "page_obj" in context and isinstance(employee, Employee):  # the list of changes, not a past version
            context["journal"] = employee_journal(employee)
        return super().render_history_view(request, template, context, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # An employee leaves through dismissal (checklist, blocked account, audit), never by deleting the row:
        # that left a live account nobody could block any more.
        return False

    def _account_editable(self, request, obj) -> bool:
        """The record is a form for who may change it (the services' rule, employee_editable_by), text for the
        others: an administrator's record is read-only to HR."""
        cache = request.__dict__.setdefault("_org_account_editable", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.employee_editable_by(request.user, obj)
        return cache[obj.pk]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # HR's post of an administrator's page with the names only cleared their position, offices and hiring
        # date: that page is read-only, and a post to it is refused (403) before any service is called.
        return obj is None or obj.pk is None or self._account_editable(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = EmployeeAddForm
        else:
            kwargs["form"] = EmployeeAccountForm if self._account_editable(request, obj) else EmployeeForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        access_fields = ("groups", "access_matrix")  # rights one by one: the access matrix page
        profile = ("position", "main_office", "offices", "phone", "extension", "hired_on")
        if obj is None:
            sets = [(None, {"fields": ("username", "last_name", "first_name", "middle_name", "email", "password")}),
                    (_("Работа"), {"fields": profile})]
        else:
            account = (services.EMPLOYEE_ACCOUNT_FIELDS if self._account_editable(request, obj)
                       else ("full_name_text", "email_text"))
            sets = [(None, {"fields": account}),
                    (_("Работа"), {"fields": ("status_text", "dismissed_on", *profile)})]
        if access.is_administrator(request.user):
            sets.append((_("Доступ"), {"fields": access_fields}))
        if obj is not None:
            sets.append((_("История доступа"), {"fields": ("access_history",)}))
        return self.shown_as_read(request, obj, sets)  # its own sets: the phones of a read-only page as read

    @display(description=_("Логин"))
    def username(self, obj):
        return obj.user.username

    @display(description=_("ФИО"))
    def full_name_text(self, obj):
        return obj.user.full_name or "—"

    @display(description=_("E-mail"))
    def email_text(self, obj):
        return obj.user.email or "—"

    @display(description=_("Кто и что менял"))
    def access_history(self, obj):
        rows = sorted([*audit_for(obj.user).filter(action__startswith="access.")[:50],
                       *audit_for(obj).filter(action="employee.offices")[:50]], key=lambda r: r.at, reverse=True)[:50]
        if not rows:
            return _("Доступ не менялся.")
        from django.template.loader import render_to_string

        return render_to_string("org/access_history.html", {"rows": rows})

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.employee_update(actor=request.user, employee=obj, **{
                name: data[name] for name in (*services.EMPLOYEE_PROFILE_FIELDS, *services.EMPLOYEE_ACCOUNT_FIELDS)
                if name in data})
            obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
            obj.user = saved.user  # the changed name in the page's message and history entry
            return
        employee = services.employee_create(
            actor=request.user, username=data["username"], password=data["password"] or None,
            first_name=data["first_name"], last_name=data["last_name"], middle_name=data.get("middle_name", ""),
            email=data.get("email", ""),
            position=data.get("position"), main_office=data.get("main_office"),
            offices=data.get("offices") or (), phone=data.get("phone") or "",
            extension=data.get("extension") or "", hired_on=data.get("hired_on"),
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved employee.
        obj.__dict__.update(employee.__dict__)
        form.instance = obj

    def save_related(self, request, form, formsets, change):
        # The hire (employee_create) has set the offices: the chosen ones and the main office. A post without the
        # work fields (the names and e-mail only) leaves them as they are (EmployeeForm.offices_posted).
        if change and form.offices_posted:
            self._offices_save(request, form, set(form.cleaned_data.get("offices") or []))
        if not access.is_administrator(request.user):
            return
        data, user = form.cleaned_data, form.instance.user
        access.user_groups_set(actor=request.user, user=user, groups=data.get("groups") or [])

    def _offices_save(self, request, form, offices: set) -> None:
        if form.instance.main_office_id:
            offices.add(form.instance.main_office)  # one works in one's main office
        visible = selectors.office_ids_visible_to(request.user)
        if visible is not None:
            # Offices this user does not see were not offered in the form: keep them.
            offices.update(form.instance.offices.exclude(pk__in=visible))
        services.employee_offices_set(actor=request.user, employee=form.instance, offices=offices)

    def _set_status(self, request, queryset, status, done):
        changed = [employee for employee in queryset
                   if self.run_service(request, services.employee_set_status, actor=request.user, employee=employee,
                                       status=status) is not None]
        if changed:  # the refused ones have their own error message
            self.message_user(request, done, messages.SUCCESS)

    @action(description=_("Сделать активным"), permissions=["change"])
    def make_active(self, request, queryset):
        self._set_status(request, queryset, Employee.Status.ACTIVE, _("Статус обновлён."))

    @action(description=_("Отправить в отпуск"), permissions=["change"])
    def make_on_leave(self, request, queryset):
        self._set_status(request, queryset, Employee.Status.ON_LEAVE, _("Статус обновлён."))

    @action(description=_("Заблокировать (вход закрыт, сеансы завершены)"), permissions=["change"])
    def make_blocked(self, request, queryset):
        self._set_status(request, queryset, Employee.Status.BLOCKED, _("Статус обновлён."))

    @action(description=_("Уволить: дата увольнения и обходной лист"), permissions=["change"])
    def dismiss(self, request, queryset):
        """Asks for the dismissal date first (a confirmation page); the service opens the checklist."""
        from django.contrib.admin import helpers

        from .dismissal_form import DismissalForm

        employees = list(queryset)
        form = DismissalForm.for_action(request.POST)
        if form.is_bound and form.is_valid():
            for employee in employees:
                checklist = self.run_service(request, services.employee_dismiss, actor=request.user,
                                             employee=employee, dismissal_date=form.cleaned_data["dismissal_date"])
                if checklist:
                    employee.refresh_from_db()
                    self.message_user(request, format_html(
                        _('{}: {}. Открыт <a href="{}">обходной лист</a>.'), employee, employee.status_text,
                        reverse("admin:org_offboardingchecklist_change", args=[checklist.pk])))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Увольнение сотрудников"),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "employees": employees,
            "form": form,
        }
        return TemplateResponse(request, "org/dismiss_confirm.html", context)

    @display(description=_("Статус"), label={
        Employee.Status.ACTIVE: "success", Employee.Status.ON_LEAVE: "warning", Employee.Status.BLOCKED: "danger",
        Employee.Status.DISMISSED: "danger", "leaving": "warning",
    })
    def status_badge(self, obj):
        leaving = obj.dismissed_on and obj.status != Employee.Status.DISMISSED
        return ("leaving" if leaving else obj.status), obj.status_text

    @display(description=_("Статус"))
    def status_text(self, obj):
        return obj.status_text


@admin.register(OffboardingTemplateItem)
class OffboardingTemplateItemAdmin(DeskAdmin):
    list_display = ("text", "position", "responsible_group", "order")
    list_filter = ("position", "responsible_group")
    list_editable = ("order",)


class OffboardingItemInline(TabularInline):
    model = OffboardingItem
    extra = 0
    can_delete = False
    fields = ("text", "responsible_group", "signed_by", "signed_at", "comment", "sign_link")
    readonly_fields = ("text", "responsible_group", "signed_by", "signed_at", "comment", "sign_link")

    def has_add_permission(self, request, obj=None):
        return False

    @display(description=_("Подпись"))
    def sign_link(self, item):
        if item.signed_at:
            return "✓"
        url = reverse("admin:org_offboardingitem_sign", args=[item.pk])
        return format_html('<a class="text-primary-600 font-semibold" href="{}">{}</a>', url, _("Подписать"))


@admin.register(OffboardingChecklist)
class OffboardingChecklistAdmin(DeskAdmin):
    empty_hint = _("Обходной лист открывается при увольнении: в списке сотрудников отметьте сотрудника и выберите "
                   "действие «Уволить: дата увольнения и обходной лист».")
    list_display = ("employee", "dismissal_date", "progress", "completed_at")
    list_filter = ("completed_at",)
    readonly_fields = ("employee", "dismissal_date", "opened_by", "completed_at")
    inlines = [OffboardingItemInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("employee__user")
        return qs.filter(employee__in=selectors.employee_list_visible_to(request.user))

    def has_add_permission(self, request):
        return False  # opened by the "dismiss" action on the employee list

    @display(description=_("Подписано"))
    def progress(self, obj):
        items = list(obj.items.all())
        return f"{sum(1 for i in items if i.signed_at)} / {len(items)}"

    def get_urls(self):
        return [
            path("item/<int:pk>/sign/", self.admin_site.admin_view(self.sign_view), name="org_offboardingitem_sign"),
            *super().get_urls(),
        ]

    def sign_view(self, request, pk):
        if not request.user.has_perm(perms.VIEW_OFFBOARDINGCHECKLIST):
            raise PermissionDenied
        item = get_object_or_404(OffboardingItem.objects.filter(
            checklist__in=self.get_queryset(request)), pk=pk)
        if request.method == "POST":
            form = OffboardingSignForm(request.POST)
            if not form.is_valid():
                self.message_user(request, errors_text(form), level=messages.ERROR)
            else:
                done = self.run_service(request, services.offboarding_item_sign, actor=request.user, item=item,
                                        comment=form.cleaned_data["comment"], success=_("Пункт подписан."))
                if done is not None:
                    return redirect("admin:org_offboardingchecklist_change", item.checklist_id)
        context = {**self.admin_site.each_context(request), "title": _("Подписать пункт"), "item": item}
        return TemplateResponse(request, "org/offboarding_sign.html", context)


@admin.register(Banner)
class BannerAdmin(OfficeChoicesMixin, HistoryDeskAdmin):
    selector = staticmethod(selectors.banner_list_visible_to)
    list_display = ("title", "level", "starts_on", "ends_on", "is_archived")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if selectors.office_ids_visible_to(request.user) is None:
            return form

        class ScopedBannerForm(form):
            def clean_offices(self):
                offices = self.cleaned_data.get("offices")
                if not offices:  # empty means every office of the chain
                    raise forms.ValidationError(_("Выберите офисы: баннер для всех офисов ставит администратор."))
                return offices

        return ScopedBannerForm

    def get_changeform_initial_data(self, request):
        """An office head's banner is for their office: it comes preselected (their main office, or the offices
        they work in), so the form does not open with a choice they cannot leave empty."""
        initial = super().get_changeform_initial_data(request)
        visible = selectors.office_ids_visible_to(request.user)
        if visible is not None and "offices" not in initial:
            employee = Employee.objects.filter(user=request.user).only("main_office_id").first()
            main = employee.main_office_id if employee is not None else None
            initial["offices"] = [main] if main in visible else sorted(visible)
        initial.setdefault("starts_on", timezone.localdate())
        return initial

    list_filter = ("level", "is_archived")
    search_fields = ("title", "text")
    filter_horizontal = ("groups", "offices")
