"""The violations desk: the list (mine / my offices'), the card with «Обжаловать» and «Решение», recording by
hand, the checklist of rules and the pauses. Every write through violations/services.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.org.admin_filters import OfficeDropdownFilter
from legal_crm.quality import perms
from legal_crm.todos.links import record_link

from . import forms, selectors, services
from .kinds import describe, kind_label
from .models import Violation, ViolationPause, ViolationRule


class WhoseFilter(admin.SimpleListFilter):
    title = _("чьи")
    parameter_name = "whose"

    def lookups(self, request, model_admin):
        if not request.user.has_perm(perms.VIEW_OFFICE_VIOLATIONS):
            return []
        return [("mine", _("Мои")), ("staff", _("Сотрудников"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(offender=request.user)
        if self.value() == "staff":
            return queryset.exclude(offender=request.user)
        return queryset


@admin.register(Violation)
class ViolationAdmin(HistoryDeskAdmin):
    selector = selectors.violation_list_visible_to
    list_display = ("day", "offender", "rule", "office", "status_badge", "source", "occurrences", "amount", "points")
    list_filter = (WhoseFilter, "status", "source", ("rule", RelatedDropdownFilter),
                   ("office", OfficeDropdownFilter), ("day", RangeDateFilter))
    list_filter_submit = True
    list_select_related = ("offender", "rule", "office")
    search_fields = ("offender__last_name", "offender__first_name", "comment")
    readonly_fields = ("offender", "office", "rule_text", "day", "source", "status", "occurrences", "evidence",
                       "comment", "amount", "points", "recorded_by", "created_at", "appeal_text", "appealed_at",
                       "decided_by", "decided_at", "decision_reason", "work_log")
    fieldsets = (
        (None, {"fields": ("offender", "office", "rule_text", "day", "source", "status", "occurrences", "evidence",
                           "comment", "amount", "points", "recorded_by", "created_at")}),
        (_("Обжалование"), {"fields": ("appeal_text", "appealed_at", "decided_by", "decided_at",
                                       "decision_reason")}),
        (_("Кто, когда, что"), {"fields": ("work_log",)}),
    )
    actions_list = ["record"]
    actions_detail = ["appeal", "decide"]

    def get_object(self, request, object_id, from_field=None):
        violation = super().get_object(request, object_id, from_field)
        if violation is not None and violation.record_type:
            violation._record_link = record_link(violation, request.user)
        return violation

    def has_change_permission(self, request, obj=None):
        return False  # changes go through «Обжаловать» and «Решение»

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_VIOLATION)

    def has_record_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_VIOLATION)

    def has_appeal_permission(self, request, object_id=None):
        if object_id is None:
            return True
        return Violation.objects.filter(pk=object_id, offender=request.user,
                                        status=Violation.Status.RECORDED).exists()

    def has_decide_permission(self, request, object_id=None):
        if not request.user.has_perm(perms.DECIDE_VIOLATION):
            return False
        if object_id is None:
            return True
        return selectors.appeals_waiting(request.user).filter(pk=object_id).exists()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:quality_violation_record")

    @display(description=_("Статус"),
             label={"recorded": "danger", "appealed": "warning", "upheld": "danger", "cancelled": "success"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Правило"))
    def rule_text(self, obj):
        return describe(obj.rule.kind, obj.rule.params or {}) if obj.rule.kind != "manual" else obj.rule.name

    @display(description=_("Подтверждение"))
    def evidence(self, obj):
        link = getattr(obj, "_record_link", None)  # for the reader, set by get_object
        return render_to_string("quality/violation_evidence.html", {"link": link, "url": obj.evidence_url})

    @display(description=_("Кто, когда, что"))
    def work_log(self, obj):
        from legal_crm import hooks

        rows = list(audit_for(obj)[:50])
        for row in rows:  # the action in words, and what the person wrote (the appeal, the decision's reason)
            row.label = hooks.AUDIT_LABELS.get(row.action, row.action)
            after = row.after if isinstance(row.after, dict) else {}
            row.note = after.get("text") or after.get("reason") or after.get("comment") or ""
        return render_to_string("quality/violation_log.html", {"rows": rows})

    def _summary(self, violation):
        return [(_("Нарушение"), str(violation)), (_("Сотрудник"), violation.offender),
                (_("Комментарий"), violation.comment or "—")]

    @action(description=_("Зафиксировать нарушение"), url_path="record", icon="gavel", permissions=["record"])
    def record(self, request):
        form = forms.ViolationRecordForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                violation = services.violation_record(
                    actor=request.user, offender=data["offender"], rule=data["rule"], day=data["day"],
                    comment=data["comment"], evidence_url=data["evidence_url"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Нарушение зафиксировано."), messages.SUCCESS)
                return redirect("admin:quality_violation_change", violation.pk)
        return self.form_page(request, title=_("Зафиксировать нарушение"), form=form, submit=_("Зафиксировать"),
                              back=reverse("admin:quality_violation_changelist"))

    @action(description=_("Обжаловать"), url_path="appeal", icon="gavel", permissions=["appeal"])
    def appeal(self, request, object_id):
        violation = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = forms.ViolationAppealForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.violation_appeal(actor=request.user, violation=violation, text=form.cleaned_data["text"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Обжалование отправлено руководителю."), messages.SUCCESS)
                return redirect("admin:quality_violation_change", violation.pk)
        return self.form_page(request, title=_("Обжаловать нарушение"), form=form, submit=_("Обжаловать"),
                              summary=self._summary(violation),
                              back=reverse("admin:quality_violation_change", args=[violation.pk]))

    @action(description=_("Решение по обжалованию"), url_path="decide", icon="balance", permissions=["decide"])
    def decide(self, request, object_id):
        violation = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = forms.ViolationDecideForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            upheld = form.cleaned_data["decision"] == "upheld"
            try:
                services.violation_decide(actor=request.user, violation=violation, upheld=upheld,
                                          reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Нарушение оставлено в силе.") if upheld else _("Нарушение отменено."),
                                  messages.SUCCESS)
                return redirect("admin:quality_violation_change", violation.pk)
        return self.form_page(request, title=_("Решение по обжалованию"), form=form, submit=_("Принять решение"),
                              summary=[*self._summary(violation), (_("Обжалование"), violation.appeal_text)],
                              back=reverse("admin:quality_violation_change", args=[violation.pk]))


@admin.register(ViolationRule)
class ViolationRuleAdmin(HistoryDeskAdmin):
    selector = staticmethod(selectors.rule_list_visible_to)
    form = forms.ViolationRuleForm
    list_display = ("name", "kind_text", "params_text", "is_active", "suspended_from", "suspended_until", "amount",
                    "points")
    list_filter = ("is_active", "kind")
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False  # a rule with violations stays for their history: switch it off instead

    @display(description=_("Что проверяется"))
    def kind_text(self, obj):
        return kind_label(obj.kind)

    @display(description=_("Параметры"))
    def params_text(self, obj):
        return ", ".join(f"{name} = {value}" for name, value in (obj.params or {}).items()) or "—"

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in forms.ViolationRuleForm.Meta.fields}
        services.violation_rule_save(actor=request.user,
                                     rule=ViolationRule.objects.get(pk=obj.pk) if change else None, **data)


@admin.register(ViolationPause)
class ViolationPauseAdmin(HistoryDeskAdmin):
    selector = staticmethod(selectors.pause_list_visible_to)
    form = forms.ViolationPauseForm
    list_display = ("starts_on", "ends_on", "reason")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        services.violation_pause_save(actor=request.user,
                                      pause=ViolationPause.objects.get(pk=obj.pk) if change else None,
                                      starts_on=data["starts_on"], ends_on=data["ends_on"], reason=data["reason"])

    def delete_model(self, request, obj):
        services.violation_pause_delete(actor=request.user, pause=obj)
