"""The desk's «Задачи»: my and the office's tasks with filters, a task's card and its actions, the week's calendar,
bulk reassign for the office head, and the administrators' automatic-task rules. Every change goes through the
services."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.audit import audit_for
from legal_crm.core.dates import ANY, date_error
from legal_crm.core.errors import DomainError
from legal_crm.org.admin_filters import OfficeDropdownFilter
from legal_crm.org.selectors import office_ids_visible_to
from legal_crm.todos import perms

from . import forms, selectors, services
from .links import record_link, record_links
from .models import Task, TaskRule
from .services.tasks import is_head_of


def _nothing_to_reassign(ids: set[int], closed: int) -> str:
    """Why the bulk reassign has no task to move."""
    if not ids:
        return _("Передавать нечего: задачи не выбраны. Отметьте задачи в списке и выберите «Передать другому».")
    if closed:
        return _("Передавать нечего: выбранные задачи уже закрыты (выполнены, подтверждены или отменены), а "
                 "передать можно только открытую задачу.")
    return _("Передавать нечего: выбранных задач нет среди задач, которые вы видите (они удалены или в офисах, "
             "вам недоступных).")


def _skipped_text(closed: int, hidden: int) -> str:
    """The chosen tasks that the reassign leaves alone, and why."""
    parts = []
    if closed:
        parts.append(_("закрытых задач — %(n)s (передать можно только открытую)") % {"n": closed})
    if hidden:
        parts.append(_("недоступных вам — %(n)s") % {"n": hidden})
    return _("Не будут переданы: %(parts)s.") % {"parts": "; ".join(str(p) for p in parts)} if parts else ""


def _reassigned_text(moved: int, same: int, closed: int, hidden: int) -> str:
    text = str(_("Передано задач: %(n)s.") % {"n": moved})
    parts = []
    if same:
        parts.append(_("уже у этого исполнителя — %(n)s") % {"n": same})
    if closed:
        parts.append(_("закрыты — %(n)s") % {"n": closed})
    if hidden:
        parts.append(_("недоступны вам — %(n)s") % {"n": hidden})
    if parts:
        text += " " + str(_("Не переданы: %(parts)s.") % {"parts": "; ".join(str(p) for p in parts)})
    return text


class WhoseFilter(admin.SimpleListFilter):
    title = _("чьи")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        choices = [("mine", _("Мои")), ("set", _("Поставленные мной")), ("queue", _("Очередь офиса"))]
        return choices

    def queryset(self, request, queryset):
        user = request.user
        return {"mine": lambda: queryset.filter(assignee=user), "set": lambda: queryset.filter(created_by=user),
                "queue": lambda: queryset.filter(assignee__isnull=True)}.get(self.value(), lambda: queryset)()


class DueFilter(admin.SimpleListFilter):
    title = _("срок")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Просрочены")), ("today", _("Сегодня")), ("week", _("Эта неделя")),
                ("later", _("Позже"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        value = self.value()
        if value == "overdue":
            return queryset.filter(status=Task.Status.NEW, due_on__lt=today)
        if value == "today":
            return queryset.filter(due_on=today)
        if value == "week":
            return queryset.filter(due_on__gte=monday, due_on__lt=monday + datetime.timedelta(days=7))
        if value == "later":
            return queryset.filter(due_on__gte=monday + datetime.timedelta(days=7))
        return queryset


class PostponedFilter(admin.SimpleListFilter):
    title = _("переносы")
    parameter_name = "postponed"

    def lookups(self, request, model_admin):
        return [("yes", _("Переносились")), ("no", _("Не переносились"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(postponements__gt=0)
        if self.value() == "no":
            return queryset.filter(postponements=0)
        return queryset


class RecordFilter(admin.SimpleListFilter):
    title = _("запись")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        from legal_crm import hooks

        names = {"leads.lead": _("Лиды"), "contracts.contract": _("Договоры"), "billing.invoice": _("Счета"),
                 "quality.complaint": _("Жалобы")}
        return [(key, names.get(key, key)) for key in hooks.TASK_RECORD_LINKS] + [("none", _("Без записи"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(record_type="")
        if ":" in value:  # a record's own tasks: ?record=contracts.contract:42
            record_type, record_id = value.split(":", 1)
            return queryset.filter(record_type=record_type, record_id=record_id)
        return queryset.filter(record_type=value)


@admin.register(Task)
class TaskAdmin(HistoryDeskAdmin):
    selector = selectors.task_list_visible_to
    list_display = ("id", "title", "kind", "status_badge", "due_badge", "deadline_on", "assignee", "office",
                    "postponements", "record")
    list_display_links = ("id", "title")
    list_filter = (WhoseFilter, "status", "kind", DueFilter, PostponedFilter, RecordFilter,
                   ("office", OfficeDropdownFilter))
    list_select_related = ("assignee", "office")
    search_fields = ("title", "record_id")
    ordering = ("due_on", "id")
    readonly_fields = ("title", "kind", "status", "due_on", "deadline_on", "assignee", "office", "created_by",
                       "complexity", "purpose", "description", "postponements", "record", "checklist_view",
                       "comments_view", "postponements_view", "done_at", "done_by", "confirmed_at",
                       "confirmed_by", "cancelled_at", "cancel_reason", "rule", "created_at", "work_log")
    fieldsets = (
        (None, {"fields": ("title", "kind", "status", "record", "assignee", "office", "due_on", "deadline_on",
                           "complexity", "purpose", "description", "created_by", "rule", "created_at")}),
        (_("Чек-лист"), {"fields": ("checklist_view",)}),
        (_("Комментарии"), {"fields": ("comments_view",)}),
        (_("Сроки и итог"), {"fields": ("postponements", "postponements_view", "done_at", "done_by",
                                        "confirmed_at", "confirmed_by", "cancelled_at", "cancel_reason")}),
        (_("Ход работы"), {"fields": ("work_log",)}),
    )
    actions = ["reassign_selected"]
    actions_list = ["create", "calendar"]
    actions_detail = ["done", "confirm", "postpone", "checklist", "comment", "edit", "cancel"]

    def has_change_permission(self, request, obj=None):
        return False  # changes go through the card's actions

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_TASK)

    def has_create_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_TASK)

    def has_calendar_permission(self, request, object_id=None):
        return request.user.has_perm(perms.VIEW_TASK)

    def _task(self, request, object_id) -> Task | None:
        return self.get_queryset(request).filter(pk=object_id).first() if object_id else None

    def has_done_permission(self, request, object_id=None):
        task = self._task(request, object_id)
        return task is None or (task.is_open and (task.assignee_id in (None, request.user.pk)
                                                  or is_head_of(request.user, task)))

    def has_confirm_permission(self, request, object_id=None):
        task = self._task(request, object_id)
        return task is None or task.status == Task.Status.DONE

    def has_postpone_permission(self, request, object_id=None):
        task = self._task(request, object_id)
        return task is None or task.is_open

    def has_checklist_permission(self, request, object_id=None):
        return self.has_postpone_permission(request, object_id)

    def has_comment_permission(self, request, object_id=None):
        return request.user.has_perm(perms.VIEW_TASK)

    def has_edit_permission(self, request, object_id=None):
        task = self._task(request, object_id)
        return request.user.has_perm(perms.CHANGE_TASK) and (task is None or task.is_open)

    def has_cancel_permission(self, request, object_id=None):
        return self.has_edit_permission(request, object_id)

    def has_reassign_selected_permission(self, request):
        return request.user.has_perm(perms.REASSIGN_TASKS)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:todos_task_create") + (f"?{request.GET.urlencode()}" if request.GET else ""))

    def get_urls(self):
        return [path("reassign/", self.admin_site.admin_view(self.reassign_view), name="todos_task_reassign"),
                *super().get_urls()]

    def get_object(self, request, object_id, from_field=None):
        task = super().get_object(request, object_id, from_field)
        if task is not None:
            task._record_link = record_link(task, request.user)
        return task

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # One lookup per record type for the page's rows, not one per row.
        links = record_links(changelist.result_list, request.user)
        for task in changelist.result_list:
            task._record_link = links.get((task.record_type, task.record_id))
        return changelist

    @display(description=_("Статус"), label={"new": "info", "done": "warning", "confirmed": "success",
                                              "cancelled": "danger"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Срок"), ordering="due_on", label={True: "danger", False: "info"})
    def due_badge(self, obj):
        return obj.is_overdue_on(timezone.localdate()), f"{obj.due_on:%d.%m.%Y}"

    @display(description=_("Запись"))
    def record(self, obj):
        link = getattr(obj, "_record_link", None)  # set for the reader by get_changelist_instance / get_object
        if link is None:
            return (obj.record_type and f"{obj.record_type} №{obj.record_id}") or "—"
        if link[1] is None:  # a record the reader may not open: named, not linked
            return link[0]
        return format_html('<a href="{}" class="text-primary-600">{}</a>', link[1], link[0])

    @display(description=_("Пункты"))
    def checklist_view(self, obj):
        return render_to_string("todos/checklist.html", {"items": obj.checklist.select_related("done_by")})

    @display(description=_("Обсуждение"))
    def comments_view(self, obj):
        return render_to_string("todos/comments.html", {"comments": obj.comments.select_related("author")})

    @display(description=_("История переносов"))
    def postponements_view(self, obj):
        return render_to_string("todos/postponements.html", {"rows": obj.postponement_log.select_related("by")})

    @display(description=_("Кто, когда, что"))
    def work_log(self, obj):
        from legal_crm import hooks

        rows = list(audit_for(obj)[:50])
        for row in rows:
            row.label = hooks.AUDIT_LABELS.get(row.action, row.action)
        return render_to_string("todos/work_log.html", {"rows": rows})

    def _card(self, task) -> str:
        return reverse("admin:todos_task_change", args=[task.pk])

    def _summary(self, task):
        return [(_("Задача"), task.title), (_("Срок"), f"{task.due_on:%d.%m.%Y}"),
                (_("Исполнитель"), task.assignee or _("очередь офиса"))]

    def _service_page(self, request, object_id, *, form_class, call, title, submit, done, form_kwargs=None):
        task = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = form_class(request.POST or None, **(form_kwargs(task) if form_kwargs else {}))
        if request.method == "POST" and form.is_valid():
            try:
                call(task, form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect(self._card(task))
        return self.form_page(request, title=title, form=form, submit=submit, summary=self._summary(task),
                              back=self._card(task))

    @action(description=_("Поставить задачу"), url_path="create", icon="add_task", permissions=["create"])
    def create(self, request):
        initial = {"office": getattr(getattr(request.user, "employee", None), "main_office", None),
                   "assignee": request.user,
                   "record_type": request.GET.get("record_type", ""), "record_id": request.GET.get("record_id", ""),
                   "title": request.GET.get("title", "")[:200]}
        form = forms.TaskForm(request.POST or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                task = services.task_create(
                    actor=request.user, title=data["title"], kind=data["kind"], office=data["office"],
                    assignee=data["assignee"], due_on=data["due_on"], deadline_on=data["deadline_on"],
                    complexity=data["complexity"], purpose=data["purpose"], description=data["description"],
                    checklist=data["checklist"].splitlines(), record_type=data["record_type"],
                    record_id=data["record_id"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Задача поставлена."), messages.SUCCESS)
                return redirect(self._card(task))
        return self.form_page(request, title=_("Поставить задачу"), form=form, submit=_("Поставить"),
                              back=reverse("admin:todos_task_changelist"))

    @action(description=_("Выполнена"), url_path="done", icon="check", permissions=["done"])
    def done(self, request, object_id):
        return self._service_page(
            request, object_id, form_class=forms.DoneForm, title=_("Отметить выполнение"), submit=_("Выполнена"),
            done=_("Задача выполнена."),
            call=lambda task, d: services.task_done(actor=request.user, task=task, note=d["note"]))

    @action(description=_("Подтвердить"), url_path="confirm", icon="verified", permissions=["confirm"])
    def confirm(self, request, object_id):
        task = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            if self.run_service(request, services.task_confirm, actor=request.user, task=task,
                                success=_("Выполнение подтверждено.")):
                return redirect(self._card(task))
        return self.form_page(request, title=_("Подтвердить выполнение"), form=None, submit=_("Подтвердить"),
                              summary=self._summary(task), back=self._card(task))

    @action(description=_("Перенести срок"), url_path="postpone", icon="event_repeat", permissions=["postpone"])
    def postpone(self, request, object_id):
        return self._service_page(
            request, object_id, form_class=forms.PostponeForm, title=_("Перенести срок"), submit=_("Перенести"),
            done=_("Срок перенесён."),
            call=lambda task, d: services.task_postpone(actor=request.user, task=task, to_on=d["to_on"],
                                                        reason=d["reason"]))

    @action(description=_("Чек-лист"), url_path="checklist", icon="checklist", permissions=["checklist"])
    def checklist(self, request, object_id):
        def save(task, data):
            items = list(task.checklist.all())
            for item in items:
                done = str(item.pk) in data["done"]
                if done != item.is_done:
                    services.checklist_item_toggle(actor=request.user, item=item, done=done)
            if data["text"]:
                services.checklist_item_add(actor=request.user, task=task, text=data["text"])

        return self._service_page(
            request, object_id, form_class=forms.ChecklistForm, title=_("Чек-лист"), submit=_("Сохранить"),
            done=_("Чек-лист сохранён."), call=save, form_kwargs=lambda task: {"items": list(task.checklist.all())})

    @action(description=_("Комментарий"), url_path="comment", icon="comment", permissions=["comment"])
    def comment(self, request, object_id):
        return self._service_page(
            request, object_id, form_class=forms.CommentForm, title=_("Комментарий"), submit=_("Добавить"),
            done=_("Комментарий добавлен."),
            call=lambda task, d: services.task_comment_add(actor=request.user, task=task, text=d["text"]))

    @action(description=_("Изменить"), url_path="edit", icon="edit", permissions=["edit"])
    def edit(self, request, object_id):
        def initial(task):
            return {"user": request.user, "edit": True,
                    "initial": {name: getattr(task, name) for name in services.tasks.EDITABLE}}

        return self._service_page(
            request, object_id, form_class=forms.TaskForm, title=_("Изменить задачу"), submit=_("Сохранить"),
            done=_("Задача изменена."), form_kwargs=initial,
            call=lambda task, d: services.task_update(actor=request.user, task=task, **{
                name: d[name] for name in services.tasks.EDITABLE}))

    @action(description=_("Отменить"), url_path="cancel", icon="cancel", permissions=["cancel"])
    def cancel(self, request, object_id):
        return self._service_page(
            request, object_id, form_class=forms.ReasonForm, title=_("Отменить задачу"), submit=_("Отменить задачу"),
            done=_("Задача отменена."),
            call=lambda task, d: services.task_cancel(actor=request.user, task=task, reason=d["reason"]))

    @action(description=_("Передать другому"), permissions=["reassign_selected"])
    def reassign_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
        return redirect(reverse("admin:todos_task_reassign") + f"?ids={ids}")

    def reassign_view(self, request):
        if not request.user.has_perm(perms.REASSIGN_TASKS):
            raise PermissionDenied
        raw = request.GET.get("ids", "")
        ids = {int(x) for x in raw.split(",") if x.strip().isdigit()}
        chosen = self.get_queryset(request).filter(pk__in=ids)
        tasks = list(chosen.filter(status__in=Task.OPEN))
        closed = chosen.exclude(status__in=Task.OPEN).count()
        hidden = len(ids) - len(tasks) - closed  # not found, or outside the user's offices
        form = forms.ReassignForm(request.POST or None, office_ids={t.office_id for t in tasks}
                                  if office_ids_visible_to(request.user) is not None else None)
        # Nothing to reassign is said in words, on the page and as the refusal of its button — never a success.
        nothing = _nothing_to_reassign(ids, closed) if not tasks else None
        if request.method == "POST" and form.is_valid():
            assignee = form.cleaned_data["assignee"]
            if nothing:
                form.add_error(None, nothing)
            else:
                try:
                    moved = services.tasks_reassign(actor=request.user, tasks=tasks, assignee=assignee)
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    if moved:
                        self.message_user(request, _reassigned_text(moved, len(tasks) - moved, closed, hidden),
                                          messages.SUCCESS if moved == len(ids) else messages.WARNING)
                        return redirect("admin:todos_task_changelist")
                    form.add_error(None, (_("Ничего не передано: выбранные задачи уже у «%(who)s».")
                                          % {"who": assignee}) if assignee is not None else
                                   _("Ничего не передано: выбранные задачи уже в очереди офиса."))
        summary = [(_("Задач"), len(tasks)), *[(f"№{t.pk}", f"{t.title} · {t.assignee or '—'}") for t in tasks[:10]]]
        return self.form_page(request, title=_("Передать задачи"), form=form, submit=_("Передать"), summary=summary,
                              note=nothing or _skipped_text(closed, hidden),
                              back=reverse("admin:todos_task_changelist"))

    @action(description=_("Календарь недели"), url_path="calendar", icon="calendar_month", permissions=["calendar"])
    def calendar(self, request):
        today = timezone.localdate()
        try:
            start = datetime.date.fromisoformat(request.GET.get("week", ""))
        except ValueError:
            start = today
        if date_error(start, ANY, today):
            start = today  # a week of year 1 or 9999 has no previous or next week to link to
        monday = start - datetime.timedelta(days=start.weekday())
        everyone = request.GET.get("all") == "1"
        week = selectors.week_of(request.user, monday, everyone=everyone)
        days = [{"date": day, "tasks": tasks, "is_today": day == today} for day, tasks in week.items()]
        context = {**self.admin_site.each_context(request), "title": _("Календарь задач"), "days": days,
                   "opts": self.model._meta, "everyone": everyone, "today": today,
                   "previous": (monday - datetime.timedelta(days=7)).isoformat(),
                   "next": (monday + datetime.timedelta(days=7)).isoformat(),
                   "sunday": monday + datetime.timedelta(days=6), "monday": monday}
        return TemplateResponse(request, "todos/calendar.html", context)


@admin.register(TaskRule)
class TaskRuleAdmin(HistoryDeskAdmin):
    selector = selectors.task_rule_list_visible_to
    form = forms.TaskRuleForm
    list_display = ("name", "trigger_label", "title", "days", "assign_by", "role", "position", "is_active")
    list_filter = ("is_active", "trigger", "assign_by")
    search_fields = ("name", "title")
    actions_list = ["add_standard"]

    def has_add_standard_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_TASKRULE)

    @action(description=_("Добавить стандартные правила"), url_path="add-standard", icon="playlist_add",
            permissions=["add_standard"])
    def add_standard(self, request):
        from .standard_rules import missing_standard_rules

        back = reverse("admin:todos_taskrule_changelist")
        if request.method == "POST":
            added = services.standard_rules_install(actor=request.user)
            messages.success(request, _("Добавлено правил: %(n)s.") % {"n": len(added)})
            return redirect(back)
        missing = missing_standard_rules()
        summary = [(name, title) for name, _t, _p, title, *_rest in missing]
        note = (_("Эти правила будут добавлены; потом их можно изменить или выключить.") if missing
                else _("Все стандартные правила уже есть."))
        return self.form_page(request, title=_("Стандартные правила задач"), form=None,
                              submit=_("Добавить") if missing else None, summary=summary, note=note, back=back)

    @display(description=_("Событие"))
    def trigger_label(self, obj):
        from .triggers import trigger_label

        return trigger_label(obj.trigger)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in forms.TaskRuleForm.Meta.fields}
        services.task_rule_save(actor=request.user, rule=TaskRule.objects.get(pk=obj.pk) if change else None, **data)

    def delete_model(self, request, obj):
        services.task_rule_delete(actor=request.user, rule=obj)
