"""The reviews' desk: the list with filters, the card with the case's analysis and outcome, «Записать отзыв» from
a call (from a client's, lead's or contract's card), the NPS report and the rules that ask clients for reviews.
Thin: every write is a service of reviews/services.py or reviews/request_services.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from legal_crm.contracts.selectors import contracts_referable_by
from legal_crm.core.admin_base import DeskAdmin, DeskExtension, HistoryDeskAdmin
from legal_crm.core.errors import DomainError
from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.leads.selectors import lead_list_visible_to
from legal_crm.leads.source_report import chosen_filters, parse_period, period_typed, report_filter_choices
from legal_crm.org.admin_filters import EmployeeDropdownFilter, OfficeDropdownFilter
from legal_crm.quality import perms

from ..admin_search import VisibleContractNumberSearch
from ..models_reviews import Review, ReviewRequestRule
from . import nps, request_services, selectors, services
from .forms import ReviewAnalyseForm, ReviewRecordForm, ReviewRuleForm
from .nps_export import nps_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CATEGORY_COLOURS = {"promoter": "success", "neutral": "info", "critic": "danger", "complaint": "danger",
                    "no_score": "warning"}
SUBJECTS = {"contract": contracts_referable_by, "lead": lead_list_visible_to, "client": counterparty_list_visible_to}


def record_url(**subject) -> str:
    """«Записать отзыв» for a contract, lead or client: record_url(contract=5)."""
    (name, pk), = subject.items()
    return f"{reverse('admin:quality_review_record')}?{name}={pk}"


@admin.register(Review)
class ReviewAdmin(VisibleContractNumberSearch, HistoryDeskAdmin):
    selector = selectors.review_list_visible_to
    list_display = ("id", "created_at", "category_badge", "score", "office", "service", "responsible", "source",
                    "case_badge")
    list_filter = ("category", "source", "case_status", ("office", OfficeDropdownFilter),
                   ("service", RelatedDropdownFilter), ("responsible", EmployeeDropdownFilter),
                   ("created_at", RangeDateFilter))
    list_filter_submit = True
    list_select_related = ("office", "service", "responsible")
    search_fields = ("comment", "client__name")  # and the contract number, where visible (admin_search)
    fieldsets = (
        (None, {"fields": ("kind", "score", "category", "comment", "source", "created_at", "recorded_by")}),
        (_("О ком"), {"fields": ("client", "lead", "contract_shown", "office", "service", "responsible",
                                 "complaint_shown")}),
        (_("Разбор"), {"fields": ("case_status", "analysis", "outcome", "analysed_by", "analysed_at")}),
    )
    readonly_fields = [name for _title, spec in fieldsets for name in spec["fields"]]
    actions_list = ["record", "nps_report"]
    actions_detail = ["analyse"]

    def get_queryset(self, request):
        from legal_crm.quality.selectors import complaint_list_visible_to, with_contract_visibility

        qs = with_contract_visibility(super().get_queryset(request), request.user)
        return qs.annotate(complaint_visible=Exists(
            complaint_list_visible_to(request.user).filter(pk=OuterRef("complaint_id"))))

    @display(description=_("Договор"))
    def contract_shown(self, obj):
        """The contract only to a reader who may view it (an operator reads no contract number), linked to its
        card."""
        if not obj.contract_id or not obj.contract_visible:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>', reverse("admin:contracts_contract_change", args=[obj.contract_id]),
                           obj.contract.number)

    @display(description=_("Жалоба"))
    def complaint_shown(self, obj):
        if not obj.complaint_id:
            return "—"
        text = str(obj.complaint) if obj.contract_visible else _("Жалоба №%(id)s") % {"id": obj.complaint_id}
        if not obj.complaint_visible:
            return text
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           reverse("admin:quality_complaint_change", args=[obj.complaint_id]), text)

    def has_change_permission(self, request, obj=None):
        return False  # a review is what the client said; its case goes through «Разбор»

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_REVIEW)

    def has_record_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_REVIEW)

    def has_nps_report_permission(self, request, object_id=None):
        return request.user.has_perm(perms.VIEW_NPS_REPORT)

    def has_analyse_permission(self, request, object_id=None):
        if request.user.has_perm(perms.ANALYSE_REVIEW):
            return True
        return object_id is None or Review.objects.filter(pk=object_id, responsible=request.user).exists()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:quality_review_record") + (f"?{request.GET.urlencode()}" if request.GET else ""))

    def get_urls(self):
        view = self.admin_site.admin_view(self.nps_view)
        return [path("nps/", view, name="quality_review_nps"), *super().get_urls()]

    @display(description=_("Категория"), label=CATEGORY_COLOURS)
    def category_badge(self, obj):
        return obj.category, obj.get_category_display()

    @display(description=_("Разбор"), label={"": "info", "open": "danger", "closed": "success"})
    def case_badge(self, obj):
        return obj.case_status, obj.get_case_status_display() if obj.case_status else "—"

    def _subject(self, request) -> tuple[str, object] | None:
        """The contract, lead or client of the card the page was opened from; None from the list."""
        for name, selector in SUBJECTS.items():
            raw = request.GET.get(name, "")
            if raw:
                found = selector(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
                if found is None:
                    raise Http404(_("Запись не найдена или вам недоступна."))
                return name, found
        return None

    @action(description=_("Записать отзыв со звонка"), url_path="record", icon="rate_review",
            permissions=["record"])
    def record(self, request):
        from_card = self._subject(request)
        form = ReviewRecordForm(request.POST or None, by_number=from_card is None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            subject = from_card or self._contract_by_number(request, form, data["contract_number"])
            if subject is not None:
                name, record = subject
                try:
                    review = services.review_record(actor=request.user, kind=data["kind"], score=data["score"],
                                                    comment=data["comment"], **{name: record})
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("Отзыв записан."), messages.SUCCESS)
                    return redirect("admin:quality_review_change", review.pk)
        labels = {"contract": _("Договор"), "lead": _("Лид"), "client": _("Клиент")}
        summary = [(labels[from_card[0]], str(from_card[1]))] if from_card else []
        return self.form_page(request, title=_("Записать отзыв со звонка"), form=form, submit=_("Записать"),
                              summary=summary, back=reverse("admin:quality_review_changelist"))

    @staticmethod
    def _contract_by_number(request, form, number: str):
        contract = contracts_referable_by(request.user).filter(number=number.strip()).first()
        if contract is None:
            form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            return None
        return "contract", contract

    @action(description=_("Разбор отзыва"), url_path="analyse", icon="fact_check", permissions=["analyse"])
    def analyse(self, request, object_id):
        review = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = ReviewAnalyseForm(request.POST or None, initial={"analysis": review.analysis,
                                                                "outcome": review.outcome})
        if request.method == "POST" and form.is_valid():
            try:
                services.review_analyse(actor=request.user, review=review, **form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Разбор сохранён."), messages.SUCCESS)
                return redirect("admin:quality_review_change", review.pk)
        score = review.score if review.score is not None else "—"
        return self.form_page(request, title=_("Разбор отзыва"), form=form, submit=_("Сохранить"),
                              summary=[(_("Отзыв"), f"{review.get_category_display()} · {score}"),
                                       (_("Клиент"), review.client or "—"), (_("Комментарий"), review.comment or "—")],
                              back=reverse("admin:quality_review_change", args=[review.pk]))

    @action(description=_("Отчёт NPS"), url_path="nps-report", icon="monitoring", permissions=["nps_report"])
    def nps_report(self, request):
        return redirect("admin:quality_review_nps")

    def nps_view(self, request):
        if not request.user.has_perm(perms.VIEW_NPS_REPORT):
            raise PermissionDenied
        date_from, date_to, errors = parse_period(request.GET)
        choices = {k: v for k, v in report_filter_choices(request.user).items() if k in ("office", "employee",
                                                                                       "service")}
        chosen = chosen_filters(request.GET, choices)
        group = request.GET.get("group") if request.GET.get("group") in nps.GROUPS else "office"
        report = nps.nps_report(request.user, date_from=date_from, date_to=date_to, group=group, **chosen)
        subtitle = f"{date_from:%d.%m.%Y} — {date_to:%d.%m.%Y}"
        if request.GET.get("export") == "xlsx" and not errors:  # a refused period: the page says why, no file
            response = HttpResponse(nps_xlsx(report, subtitle), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="nps-{timezone.localdate():%Y%m%d}.xlsx"'
            return response
        query = request.GET.copy()
        query["export"] = "xlsx"
        labels = {"office": _("Офис"), "employee": _("Сотрудник"), "service": _("Услуга")}
        context = self.page_context(
            request, report["title"], report=report, subtitle=subtitle, errors=errors, date_from=date_from,
            typed=period_typed(request.GET, date_from, date_to, errors),
            date_to=date_to, group=group, groups=[(code, title) for code, (title, _k, _n) in nps.GROUPS.items()],
            filters=[(name, labels[name], choices[name], chosen[name]) for name in ("office", "service", "employee")],
            export_query=query.urlencode(), chart_height=26 * len(report["chart"]) + 8)
        return TemplateResponse(request, "quality/reviews/nps.html", context)


@admin.register(ReviewRequestRule)
class ReviewRequestRuleAdmin(DeskAdmin):
    form = ReviewRuleForm
    list_display = ("event", "is_active", "valid_days", "text")

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead: «включено»

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in ReviewRuleForm.Meta.fields}
        saved = request_services.review_rule_save(actor=request.user, rule=obj if change else None, **data)
        obj.pk = saved.pk


class ClientReviewsExtension(DeskExtension):
    """The client card (directory.Counterparty) lists the client's reviews and records one from a call
    (hooks.DESK_EXTENSIONS: directory never imports quality)."""

    def blocks(self, request, obj):
        if obj is None or not obj.pk or not request.user.has_perm(perms.VIEW_REVIEW):
            return []

        def reviews(client):
            rows = selectors.reviews_of_client(request.user, client.pk, limit=5)
            parts = [format_html('<a class="text-primary-600" href="{}">{} · {} · {}</a>',
                                 reverse("admin:quality_review_change", args=[r.pk]),
                                 f"{timezone.localtime(r.created_at):%d.%m.%Y}", r.get_category_display(),
                                 r.score if r.score is not None else "—") for r in rows]
            if request.user.has_perm(perms.ADD_REVIEW):
                parts.append(format_html('<a class="text-primary-600" href="{}" data-record-review>{}</a>',
                                         record_url(client=client.pk), _("Записать отзыв со звонка")))
            return format_html("<br>".join(["{}"] * len(parts)), *parts) if parts else _("Отзывов пока нет.")

        return [(_("Отзывы"), [(_("Отзывы клиента"), reviews)])]
