from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from legal_crm.contracts import selectors as contract_selectors
from legal_crm.core.admin_base import HistoryDeskAdmin
from legal_crm.core.admin_filters import DeskDateRangeFilter
from legal_crm.core.audit import audit_for
from legal_crm.core.errors import DomainError
from legal_crm.org.admin_filters import OfficeDropdownFilter
from legal_crm.quality import perms

from . import forms, selectors, services
from .admin_search import VisibleContractNumberSearch
from .models import Complaint, Review


@admin.register(Complaint)
class ComplaintAdmin(VisibleContractNumberSearch, HistoryDeskAdmin):
    selector = selectors.complaint_list_visible_to
    list_display = ("id", "contract_shown", "about_employee", "responsible", "status_badge", "deadline_badge",
                    "created_at")
    list_filter = ("status", "source", ("contract__office", OfficeDropdownFilter), ("deadline", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("contract", "about_employee", "responsible")
    search_fields = ("complainant", "text")  # and the contract number, where visible (admin_search)
    readonly_fields = ("contract_shown", "source", "complainant", "about_employee", "text", "status", "responsible",
                       "deadline", "resolution", "filed_by", "created_at", "assigned_at", "closed_at", "closed_by",
                       "work_log", "from_review")
    fieldsets = (
        (None, {"fields": ("contract_shown", "source", "from_review", "complainant", "about_employee", "text")}),
        (_("Работа"), {"fields": ("status", "responsible", "deadline", "assigned_at", "resolution", "closed_at",
                                  "closed_by", "filed_by", "created_at")}),
        (_("Ход работы"), {"fields": ("work_log",)}),
    )
    actions_list = ["file"]
    actions_detail = ["assign", "close"]

    def get_queryset(self, request):
        return selectors.with_contract_visibility(super().get_queryset(request), request.user)

    @display(description=_("Договор"), ordering="contract__number")
    def contract_shown(self, obj):
        """The complaint's contract, linked to its card, only to a reader who may view that contract."""
        if not obj.contract_visible:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           reverse("admin:contracts_contract_change", args=[obj.contract_id]), obj.contract.number)

    def has_change_permission(self, request, obj=None):
        return False  # changes go through "Назначить" and "Закрыть"

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_COMPLAINT)

    def has_file_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_COMPLAINT)

    def has_assign_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ASSIGN_COMPLAINT)

    def has_close_permission(self, request, object_id=None):
        if request.user.has_perm(perms.ASSIGN_COMPLAINT):
            return True
        return object_id is None or Complaint.objects.filter(pk=object_id, responsible=request.user).exists()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:quality_complaint_file") + (f"?{request.GET.urlencode()}" if request.GET else ""))

    @display(description=_("Статус"), label={"new": "danger", "in_work": "warning", "closed": "success"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Срок ответа"), ordering="deadline", label={True: "danger", False: "info"})
    def deadline_badge(self, obj):
        return obj.is_overdue, f"{obj.deadline:%d.%m.%Y}"

    @display(description=_("Отзыв"))
    def from_review(self, obj):
        """The review of kind «жалоба» this complaint was filed from (Review.complaint)."""
        review_id = Review.objects.filter(complaint=obj).values_list("pk", flat=True).first()
        if review_id is None:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           reverse("admin:quality_review_change", args=[review_id]),
                           _("Отзыв №%(n)s") % {"n": review_id})

    @display(description=_("Кто, когда, что"))
    def work_log(self, obj):
        from legal_crm.core.history_text import change_text

        rows = list(audit_for(obj)[:50])
        for row in rows:  # who was made responsible, the status — in words, not ids and codes
            row.change_text = change_text(Complaint, row.before, row.after) if row.action == "complaint.assign" else ""
        return render_to_string("quality/work_log.html", {"rows": rows})

    @action(description=_("Зарегистрировать жалобу"), url_path="file", icon="report", permissions=["file"])
    def file(self, request):
        initial = {}
        contract_id = request.GET.get("contract")
        contracts = contract_selectors.contracts_referable_by(request.user)
        if contract_id:
            # Only a contract the user may see is pre-filled; another's id is not found (not a hint it exists).
            contract = contracts.filter(pk=int(contract_id)).first() if contract_id.isdigit() else None
            if contract is None:
                raise Http404(_("Договор не найден или вам недоступен."))
            initial["contract_number"] = contract.number
        form = forms.ComplaintFileForm(request.POST or None, initial=initial, user=request.user)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            contract = contracts.filter(number=data["contract_number"].strip()).first()
            if contract is None:
                form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            else:
                try:
                    complaint = services.complaint_file(
                        actor=request.user, contract=contract, text=data["text"],
                        about_employee=data["about_employee"], complainant=data["complainant"],
                        source=data["source"], deadline=data["deadline"])
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("Жалоба зарегистрирована."), messages.SUCCESS)
                    return redirect("admin:quality_complaint_change", complaint.pk)
        return self.form_page(request, title=_("Зарегистрировать жалобу"), form=form, submit=_("Зарегистрировать"),
                              back=reverse("admin:quality_complaint_changelist"))

    @action(description=_("Назначить ответственного"), url_path="assign", icon="person_add", permissions=["assign"])
    def assign(self, request, object_id):
        complaint = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = forms.ComplaintAssignForm(request.POST or None, office_id=complaint.contract.office_id)
        if request.method == "POST" and form.is_valid():
            try:
                services.complaint_assign(actor=request.user, complaint=complaint,
                                          responsible=form.cleaned_data["responsible"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Ответственный назначен."), messages.SUCCESS)
                return redirect("admin:quality_complaint_change", complaint.pk)
        return self.form_page(request, title=_("Назначить ответственного"), form=form, submit=_("Назначить"),
                              summary=[(_("Жалоба"), str(complaint)), (_("На кого"), complaint.about_employee or "—")],
                              back=reverse("admin:quality_complaint_change", args=[complaint.pk]))

    @action(description=_("Закрыть с решением"), url_path="close", icon="task_alt", permissions=["close"])
    def close(self, request, object_id):
        complaint = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = forms.ComplaintCloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.complaint_close(actor=request.user, complaint=complaint,
                                         resolution=form.cleaned_data["resolution"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Жалоба закрыта."), messages.SUCCESS)
                return redirect("admin:quality_complaint_change", complaint.pk)
        return self.form_page(request, title=_("Закрыть жалобу"), form=form, submit=_("Закрыть"),
                              summary=[(_("Жалоба"), str(complaint)), (_("Суть"), complaint.text[:300])],
                              back=reverse("admin:quality_complaint_change", args=[complaint.pk]))


from .reviews import admin as reviews_admin  # noqa: E402,F401  (registers the reviews' desk: reviews/admin.py)
from .violations import admin as _violations_admin  # noqa: E402, F401 - registers the violations desk
