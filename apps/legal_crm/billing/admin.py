"""The desk for invoices, payments, schedules and subscriptions. Pages collect input and call services."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display

from legal_crm.billing import perms
from legal_crm.contracts import selectors as contract_selectors
from legal_crm.core.admin_base import DeskAdmin, HistoryDeskAdmin, MoneyColumns
from legal_crm.core.admin_filters import DeskDateRangeFilter
from legal_crm.core.downloads import file_response
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money as format_rub
from legal_crm.core.forms import errors_text
from legal_crm.core.labels import colored_label
from legal_crm.org.admin_filters import OfficeDropdownFilter

from . import forms, printing, selectors, services
from .models import InstalmentSchedule, Invoice, LedgerEntry, Payment, Refund, ScheduleItem, Subscription
from .services.payments import available_methods

STATUS_COLORS = {
    Invoice.Status.ISSUED: "info", Invoice.Status.PARTIALLY_PAID: "warning",
    Invoice.Status.PAID: "success", Invoice.Status.CANCELLED: "danger",
}


class ReadOnlyMixin:
    """Money records change only through services: no plain edit or delete forms."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServicePageMixin:
    """Custom desk pages (unfold actions) that collect input and call a service."""

    def has_add_instalmentschedule_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_INSTALMENTSCHEDULE)

    def has_add_invoice_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_INVOICE)

    def has_add_payment_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_PAYMENT)

    def has_add_subscription_permission(self, request, object_id=None):
        return request.user.has_perm(perms.ADD_SUBSCRIPTION)

    def has_cancel_invoice_permission(self, request, object_id=None):
        return request.user.has_perm(perms.CANCEL_INVOICE)

    def has_change_instalmentschedule_permission(self, request, object_id=None):
        return request.user.has_perm(perms.CHANGE_INSTALMENTSCHEDULE)

    def has_change_subscription_permission(self, request, object_id=None):
        return request.user.has_perm(perms.CHANGE_SUBSCRIPTION)

    def has_refund_payment_permission(self, request, object_id=None):
        return request.user.has_perm(perms.REFUND_PAYMENT)

    def has_view_invoice_permission(self, request, object_id=None):
        return request.user.has_perm(perms.VIEW_INVOICE)

    def find_contract(self, request, number: str):
        qs = contract_selectors.contracts_referable_by(request.user).select_related("office")
        return qs.filter(number=(number or "").strip()).first()

    def contract_initial(self, request) -> dict:
        """`?contract=<id>` pre-fills the number of a contract the user may see (sales: their own); any other
        id — another seller's, another office's, junk — is not found."""
        contract_id = request.GET.get("contract")
        if contract_id is None or contract_id == "":
            return {}
        if not contract_id.isdigit():
            raise Http404
        contract = contract_selectors.contracts_referable_by(request.user).filter(pk=int(contract_id)).first()
        if contract is None:
            raise Http404(_("Договор не найден или вам недоступен."))
        return {"contract_number": contract.number}


def money(value):
    return format_rub(value)


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, ServicePageMixin, HistoryDeskAdmin):
    selector = selectors.invoice_list_visible_to
    list_display = ("number", "contract_link", "client", "kind", "amount_rub", "paid_rub", "due_on",
                    "status_badge")
    list_filter = ("status", "kind", "is_overdue", ("contract__office", OfficeDropdownFilter),
                   ("issued_on", DeskDateRangeFilter), ("due_date", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("contract", "contract__office", "contract__client")
    search_fields = ("number", "contract__number", "contract__client__name")
    search_help_text = _("Номер счёта, номер договора или клиент")
    date_hierarchy = None
    readonly_fields = ("number", "contract", "kind", "amount", "paid_amount", "status", "is_overdue", "issued_on",
                       "due_date", "period_start", "period_end", "purpose", "subscription", "issued_by",
                       "cancelled_at", "cancelled_by", "cancel_reason", "payments_table")
    fieldsets = (
        (None, {"fields": ("number", "contract", "kind", "purpose", "amount", "paid_amount", "status", "is_overdue")}),
        (_("Сроки"), {"fields": ("issued_on", "due_date", "period_start", "period_end", "subscription",
                                 "issued_by")}),
        (_("Отмена"), {"fields": ("cancelled_at", "cancelled_by", "cancel_reason")}),
        (_("Платежи"), {"fields": ("payments_table",)}),
    )
    actions_list = ["issue"]
    actions_detail = ["pay", "apply_advance", "print_pdf", "cancel"]
    actions_row = ["pay"]

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_INVOICE)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:billing_invoice_issue") + (f"?{request.GET.urlencode()}" if request.GET else ""))

    @display(description=_("Договор"), ordering="contract__number")
    def contract_link(self, obj):
        return obj.contract.number

    @display(description=_("Клиент"))
    def client(self, obj):
        return obj.contract.client

    @display(description=_("Сумма"), ordering="amount")
    def amount_rub(self, obj):
        return money(obj.amount)

    @display(description=_("Оплачено"))
    def paid_rub(self, obj):
        return money(obj.paid_amount)

    @display(description=_("Оплатить до"), ordering="due_date")
    def due_on(self, obj):
        return f"{obj.due_date:%d.%m.%Y}"

    @display(description=_("Статус"), ordering="status")
    def status_badge(self, obj):
        # An overdue invoice says so beside its status, in the same column: one column fewer keeps the list and its
        # «Принять оплату» button within a 1366 px screen.
        labels = [colored_label(obj.get_status_display(), STATUS_COLORS.get(obj.status))]
        if obj.is_overdue:
            labels.append(colored_label(_("просрочен"), "danger"))
        return format_html_join(" ", "{}", ((label,) for label in labels))

    def get_object(self, request, object_id, from_field=None):
        invoice = super().get_object(request, object_id, from_field)
        if invoice is not None:
            invoice.desk_request = request  # payments_table links the payments only for a reader who may open them
        return invoice

    @display(description=_("Платежи по счёту"))
    def payments_table(self, obj):
        payments = obj.payments.select_related("created_by").order_by("-paid_at")
        request = getattr(obj, "desk_request", None)
        can_open = request is not None and self.admin_site._registry[Payment].has_view_or_change_permission(request)
        return render_to_string("billing/_payments_table.html", {"payments": payments, "can_open": can_open})

    def _invoice(self, request, object_id) -> Invoice:
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    @action(description=_("Выставить счёт"), url_path="issue", icon="receipt_long",
            permissions=["add_invoice"])
    def issue(self, request):
        form = forms.InvoiceIssueForm(request.POST or None, initial={
            **self.contract_initial(request), "due_date": timezone.localdate() + datetime.timedelta(days=5)})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            contract = self.find_contract(request, data["contract_number"])
            if contract is None:
                form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            else:
                try:
                    invoice = services.invoice_issue(
                        actor=request.user, contract=contract, amount=data["amount"], kind=data["kind"],
                        due_date=data["due_date"], purpose=data["purpose"], period_start=data["period_start"],
                        period_end=data["period_end"])
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("Счёт %(number)s выставлен.") % {"number": invoice.number},
                                      messages.SUCCESS)
                    return redirect("admin:billing_invoice_change", invoice.pk)
        return self.form_page(request, title=_("Выставить счёт"), form=form, submit=_("Выставить"),
                              back=reverse("admin:billing_invoice_changelist"))

    @action(description=_("Принять оплату"), url_path="pay", icon="payments", permissions=["add_payment"])
    def pay(self, request, object_id):
        invoice = self._invoice(request, object_id)
        due = invoice.due_amount
        initial = {"amount": f"{due:.2f}".replace(".", ",")} if due and due > 0 else {}  # what is still owed
        form = forms.PaymentRegisterForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid() and not _first_submission(form.cleaned_data["submission"]):
            self.message_user(request, _("Эта оплата уже отправлена — повторное нажатие не учтено."), messages.WARNING)
            return redirect("admin:billing_invoice_change", invoice.pk)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            paid_on = data["paid_on"]
            paid_at = timezone.now() if paid_on == timezone.localdate() else timezone.make_aware(
                datetime.datetime.combine(paid_on, datetime.time(12, 0)))
            try:
                payment = services.payment_register(
                    actor=request.user, invoice=invoice, amount=data["amount"], method=data["method"],
                    paid_at=paid_at, external_ref=data["external_ref"], document=data["document"],
                    as_advance=data["as_advance"], comment=data["comment"], reference=data["reference"])
            except DomainError as exc:
                _forget_submission(data["submission"])  # refused: the corrected form may be sent again
                form.add_domain_error(exc)
            else:
                if payment.replayed:
                    self.message_user(request, _("Этот платёж уже был зарегистрирован — повторно не учтён."),
                                      messages.WARNING)
                else:
                    self.message_user(request, _("Оплата %(amount)s принята.") % {"amount": money(payment.amount)},
                                      messages.SUCCESS)
                return redirect("admin:billing_invoice_change", invoice.pk)
        summary = [(_("Счёт"), invoice.number), (_("Договор"), invoice.contract.number),
                   (_("Сумма счёта"), money(invoice.amount)), (_("Оплачено"), money(invoice.paid_amount)),
                   (_("К оплате"), money(invoice.due_amount)), (_("Статус"), invoice.get_status_display())]
        return self.form_page(request, title=_("Принять оплату по счёту %(number)s") % {"number": invoice.number},
                              form=form, submit=_("Принять оплату"), summary=summary,
                              back=reverse("admin:billing_invoice_change", args=[invoice.pk]),
                              note=_payment_methods_note())

    @action(description=_("Зачесть аванс"), url_path="apply-advance", icon="savings",
            permissions=["add_payment"])
    def apply_advance(self, request, object_id):
        invoice = self._invoice(request, object_id)
        if request.method == "POST":
            credited = self.run_service(request, services.advance_apply, actor=request.user, invoice=invoice)
            if credited is not None:
                self.message_user(request, _("Зачтено из аванса: %(amount)s.") % {"amount": money(credited)},
                                  messages.SUCCESS)
            return redirect("admin:billing_invoice_change", invoice.pk)
        summary = [(_("Счёт"), invoice.number), (_("К оплате"), money(invoice.due_amount)),
                   (_("Аванс по договору"), money(selectors.contract_advance(invoice.contract)))]
        return self.form_page(request, title=_("Зачесть аванс в счёт %(number)s") % {"number": invoice.number},
                              form=None, submit=_("Зачесть"), summary=summary,
                              back=reverse("admin:billing_invoice_change", args=[invoice.pk]))

    @action(description=_("Отменить счёт"), url_path="cancel", icon="block", permissions=["cancel_invoice"])
    def cancel(self, request, object_id):
        invoice = self._invoice(request, object_id)
        form = forms.ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.invoice_cancel(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Счёт отменён."), messages.SUCCESS)
                return redirect("admin:billing_invoice_change", invoice.pk)
        return self.form_page(request, title=_("Отменить счёт %(number)s") % {"number": invoice.number},
                              form=form, submit=_("Отменить счёт"),
                              summary=[(_("Сумма"), money(invoice.amount)), (_("Оплачено"), money(invoice.paid_amount))],
                              back=reverse("admin:billing_invoice_change", args=[invoice.pk]),
                              note=_("Отменить можно только счёт, по которому ничего не оплачено."))

    @action(description=_("Печать (PDF)"), url_path="pdf", icon="print", permissions=["view_invoice"])
    def print_pdf(self, request, object_id):
        invoice = get_object_or_404(self.get_queryset(request).select_related("contract__office", "contract__client"),
                                    pk=object_id)
        response = HttpResponse(printing.invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="invoice-{invoice.pk}.pdf"'
        return response


class RefundInline(MoneyColumns, TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ("refunded_at", "amount", "reason", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, ServicePageMixin, DeskAdmin):
    selector = selectors.payment_list_visible_to
    list_display = ("paid_on", "contract_number", "invoice", "amount_rub", "method", "external_ref",
                    "refunded_rub", "has_document", "created_by")
    list_filter = ("method", ("contract__office", OfficeDropdownFilter), ("paid_at", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("contract", "invoice", "created_by")
    search_fields = ("external_ref", "invoice__number", "contract__number")
    readonly_fields = ("contract", "invoice", "amount", "advance_amount", "refunded_amount", "method", "paid_at",
                       "external_ref", "document_link", "comment", "created_by", "created_at")
    exclude = ("document",)  # shown as document_link: the file's own URL would be public media
    actions_detail = ["attach_document", "refund"]
    actions_list = ["refund_contract"]
    inlines = [RefundInline]

    def get_urls(self):
        return [path("<int:pk>/file/", self.admin_site.admin_view(self.document_view),
                     name="billing_payment_document"), *super().get_urls()]

    def document_view(self, request, pk):
        """The payment's document, for those who may see the payment: files are never served as public media."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not payment.document:
            raise Http404
        return file_response(request, payment.document)

    @display(description=_("Документ"))
    def document_link(self, obj):
        if not obj.document:
            return "—"
        return format_html('<a class="text-primary-600" href="{}">{}</a>',
                           reverse("admin:billing_payment_document", args=[obj.pk]), _("скачать"))

    def has_add_permission(self, request):
        return False  # payments are accepted on their invoice ("Принять оплату")

    @display(description=_("Дата оплаты"), ordering="paid_at")
    def paid_on(self, obj):
        return f"{timezone.localtime(obj.paid_at):%d.%m.%Y %H:%M}"

    @display(description=_("Договор"), ordering="contract__number")
    def contract_number(self, obj):
        return obj.contract.number

    @display(description=_("Сумма"), ordering="amount")
    def amount_rub(self, obj):
        return money(obj.amount)

    @display(description=_("Возвращено"))
    def refunded_rub(self, obj):
        return money(obj.refunded_amount) if obj.refunded_amount else "—"

    @display(description=_("Документ"), boolean=True)
    def has_document(self, obj):
        return bool(obj.document)

    def _payment(self, request, object_id) -> Payment:
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    @action(description=_("Приложить документ"), url_path="document", icon="attach_file",
            permissions=["add_payment"])
    def attach_document(self, request, object_id):
        payment = self._payment(request, object_id)
        form = forms.DocumentForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_attach_document(actor=request.user, payment=payment,
                                                 document=form.cleaned_data["document"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Документ приложен."), messages.SUCCESS)
                return redirect("admin:billing_payment_change", payment.pk)
        return self.form_page(request, title=_("Платёжный документ"), form=form, submit=_("Приложить"),
                              summary=[(_("Платёж"), str(payment)), (_("Счёт"), payment.invoice.number)],
                              back=reverse("admin:billing_payment_change", args=[payment.pk]))

    @action(description=_("Возврат по договору"), url_path="contract-refund", icon="currency_exchange",
            permissions=["refund_payment"])
    def refund_contract(self, request):
        """A termination's refund: the amount is spread over the contract's payments, newest first."""
        form = forms.ContractRefundForm(request.POST or None, initial=self.contract_initial(request))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            contract = self.find_contract(request, data["contract_number"])
            if contract is None:
                form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            else:
                try:
                    services.contract_refund(actor=request.user, contract=contract, amount=data["amount"],
                                             reason=data["reason"])
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("Возврат оформлен."), messages.SUCCESS)
                    return redirect(reverse("admin:billing_payment_changelist") + f"?q={contract.number}")
        summary = []
        number = form.data.get("contract_number") or form.initial.get("contract_number")
        contract = self.find_contract(request, number) if number else None
        if contract is not None:
            summary = [(_("Договор"), contract.number),
                       (_("Оплачено за вычетом возвратов"), money(selectors.contract_paid_total(contract)))]
        return self.form_page(request, title=_("Возврат по договору"), form=form, submit=_("Оформить возврат"),
                              summary=summary, back=reverse("admin:billing_payment_changelist"),
                              note=_("При расторжении возвращается оплаченное за вычетом принятой клиентом "
                                     "работы; сумма списывается с последних платежей."))

    @action(description=_("Оформить возврат"), url_path="refund", icon="undo", permissions=["refund_payment"])
    def refund(self, request, object_id):
        payment = self._payment(request, object_id)
        form = forms.RefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.payment_refund(actor=request.user, payment=payment, amount=form.cleaned_data["amount"],
                                        reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                self.message_user(request, _("Возврат оформлен."), messages.SUCCESS)
                return redirect("admin:billing_payment_change", payment.pk)
        return self.form_page(request, title=_("Возврат по платежу"), form=form, submit=_("Оформить возврат"),
                              summary=[(_("Платёж"), money(payment.amount)),
                                       (_("Уже возвращено"), money(payment.refunded_amount))],
                              back=reverse("admin:billing_payment_change", args=[payment.pk]))


class ScheduleItemInline(MoneyColumns, TabularInline):
    model = ScheduleItem
    extra = 0
    can_delete = False
    fields = ("seq", "due_date", "amount", "invoice", "issue_link")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @display(description=_("Счёт"))
    def issue_link(self, item):
        if item.invoice_id:
            return item.invoice.get_status_display()
        url = reverse("admin:billing_instalmentschedule_issue_item", args=[item.schedule_id]) + f"?item={item.pk}"
        return format_html('<a class="text-primary-600 font-semibold" href="{}">{}</a>', url, _("Выставить сейчас"))


@admin.register(InstalmentSchedule)
class InstalmentScheduleAdmin(ReadOnlyMixin, ServicePageMixin, HistoryDeskAdmin):
    selector = selectors.schedule_list_visible_to
    list_display = ("contract", "total_rub", "months", "first_due_date", "status", "created_at")
    list_filter = ("status", ("contract__office", OfficeDropdownFilter))
    list_select_related = ("contract",)
    search_fields = ("contract__number",)
    readonly_fields = ("contract", "total", "months", "first_due_date", "status", "created_by")
    inlines = [ScheduleItemInline]
    actions_list = ["create_schedule"]
    actions_detail = ["cancel_schedule", "issue_item"]

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_INSTALMENTSCHEDULE)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:billing_instalmentschedule_create_schedule")
                        + (f"?{request.GET.urlencode()}" if request.GET else ""))

    @display(description=_("Сумма"))
    def total_rub(self, obj):
        return money(obj.total)

    @action(description=_("Составить график"), url_path="create", icon="calendar_month",
            permissions=["add_instalmentschedule"])
    def create_schedule(self, request):
        form = forms.ScheduleForm(request.POST or None, initial=self.contract_initial(request))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            contract = self.find_contract(request, data["contract_number"])
            if contract is None:
                form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            else:
                try:
                    schedule = services.schedule_create(
                        actor=request.user, contract=contract, months=data["months"],
                        first_due_date=data["first_due_date"], total=data["total"] or None)
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("График составлен."), messages.SUCCESS)
                    return redirect("admin:billing_instalmentschedule_change", schedule.pk)
        return self.form_page(request, title=_("Составить график платежей"), form=form, submit=_("Составить"),
                              back=reverse("admin:billing_instalmentschedule_changelist"),
                              note=_("Сумма делится на равные ежемесячные платежи; копейки остатка — в первые "
                                     "платежи. Счёт по платежу выставляется за 10 дней до срока."))

    @action(description=_("Отменить график"), url_path="cancel", icon="block",
            permissions=["change_instalmentschedule"])
    def cancel_schedule(self, request, object_id):
        schedule = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            self.run_service(request, services.schedule_cancel, actor=request.user, schedule=schedule,
                             success=_("График отменён."))
            return redirect("admin:billing_instalmentschedule_change", schedule.pk)
        return self.form_page(request, title=_("Отменить график %(s)s") % {"s": schedule}, form=None,
                              submit=_("Отменить график"),
                              back=reverse("admin:billing_instalmentschedule_change", args=[schedule.pk]),
                              note=_("Невыставленные платежи не будут выставлены; выставленные счета останутся."))

    @action(description=_("Выставить следующий платёж"), url_path="issue-item", icon="receipt_long",
            permissions=["add_invoice"])
    def issue_item(self, request, object_id):
        schedule = get_object_or_404(self.get_queryset(request), pk=object_id)
        items = schedule.items.filter(invoice__isnull=True).order_by("seq")
        chosen = forms.ScheduleItemChoiceForm(request.POST if request.method == "POST" else request.GET, items=items)
        if not chosen.is_valid():
            self.message_user(request, errors_text(chosen), messages.ERROR)
            return redirect("admin:billing_instalmentschedule_change", schedule.pk)
        item = chosen.cleaned_data["item"] or items.first()  # none named: the next one
        if item is None:
            self.message_user(request, _("Все платежи графика уже выставлены."), messages.INFO)
            return redirect("admin:billing_instalmentschedule_change", schedule.pk)
        if request.method == "POST":
            invoice = self.run_service(request, services.schedule_item_issue, actor=request.user, item=item)
            if invoice:
                self.message_user(request, _("Счёт %(number)s выставлен.") % {"number": invoice.number},
                                  messages.SUCCESS)
            return redirect("admin:billing_instalmentschedule_change", schedule.pk)
        return self.form_page(request, title=_("Выставить платёж графика"), form=None, submit=_("Выставить"),
                              summary=[(_("Платёж"), item.seq), (_("Срок"), f"{item.due_date:%d.%m.%Y}"),
                                       (_("Сумма"), money(item.amount))],
                              hidden={"item": item.pk},
                              back=reverse("admin:billing_instalmentschedule_change", args=[schedule.pk]))


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyMixin, ServicePageMixin, HistoryDeskAdmin):
    selector = selectors.subscription_list_visible_to
    list_display = ("contract", "fee_rub", "started", "next_period", "is_active", "ended_on")
    list_filter = ("is_active", ("contract__office", OfficeDropdownFilter))
    list_select_related = ("contract",)
    search_fields = ("contract__number",)
    readonly_fields = ("contract", "monthly_fee", "started_on", "next_period_start", "due_days", "is_active",
                       "ended_on", "created_by")
    actions_list = ["start"]
    actions_detail = ["stop"]

    def has_add_permission(self, request):
        return request.user.has_perm(perms.ADD_SUBSCRIPTION)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect(reverse("admin:billing_subscription_start")
                        + (f"?{request.GET.urlencode()}" if request.GET else ""))

    @display(description=_("Начало"), ordering="started_on")
    def started(self, obj):
        return f"{obj.started_on:%d.%m.%Y}"

    @display(description=_("Следующий период с"), ordering="next_period_start")
    def next_period(self, obj):
        return f"{obj.next_period_start:%d.%m.%Y}"

    @display(description=_("Ежемесячно"))
    def fee_rub(self, obj):
        return money(obj.monthly_fee)

    @action(description=_("Оформить абонентское обслуживание"), url_path="start", icon="autorenew",
            permissions=["add_subscription"])
    def start(self, request):
        form = forms.SubscriptionForm(request.POST or None, initial={
            **self.contract_initial(request), "started_on": timezone.localdate(), "due_days": 5})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            contract = self.find_contract(request, data["contract_number"])
            if contract is None:
                form.add_error("contract_number", _("Договор с таким номером не найден среди доступных вам."))
            else:
                try:
                    sub = services.subscription_start(actor=request.user, contract=contract,
                                                      monthly_fee=data["monthly_fee"], started_on=data["started_on"],
                                                      due_days=data["due_days"])
                except DomainError as exc:
                    form.add_domain_error(exc)
                else:
                    self.message_user(request, _("Абонентское обслуживание оформлено."), messages.SUCCESS)
                    return redirect("admin:billing_subscription_change", sub.pk)
        return self.form_page(request, title=_("Абонентское обслуживание"), form=form, submit=_("Оформить"),
                              back=reverse("admin:billing_subscription_changelist"),
                              note=_("Счёт за каждый месяц выставляется автоматически в день начала периода."))

    @action(description=_("Прекратить"), url_path="stop", icon="stop_circle",
            permissions=["change_subscription"])
    def stop(self, request, object_id):
        sub = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method == "POST":
            self.run_service(request, services.subscription_stop, actor=request.user, subscription=sub,
                             ended_on=timezone.localdate(), success=_("Абонентское обслуживание прекращено."))
            return redirect("admin:billing_subscription_change", sub.pk)
        return self.form_page(request, title=_("Прекратить абонентское обслуживание"), form=None,
                              submit=_("Прекратить сегодня"),
                              back=reverse("admin:billing_subscription_change", args=[sub.pk]))


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyMixin, DeskAdmin):
    selector = selectors.ledger_visible_to
    list_display = ("created_at", "account", "amount_rub", "contract", "invoice", "payment", "operation_text")
    list_filter = ("account", ("created_at", DeskDateRangeFilter))
    list_filter_submit = True
    list_select_related = ("contract", "invoice", "payment")
    search_fields = ("contract__number", "invoice__number")
    readonly_fields = ("operation", "account", "amount", "contract", "invoice", "payment", "refund", "created_at")

    def has_add_permission(self, request):
        return False

    @display(description=_("Сумма"))
    def amount_rub(self, obj):
        return money(obj.amount)

    @display(description=_("Операция"))
    def operation_text(self, obj):
        return selectors.ledger_operation_text(obj)


def _submission_key(token: str) -> str:
    return f"billing:payment-form:{token}"


def _first_submission(token: str) -> bool:
    """True for the first POST of an opened payment form (an atomic add in the shared cache); a form without a
    token (an old page) is let through."""
    from django.core.cache import cache

    return not token or cache.add(_submission_key(token), 1, timeout=24 * 3600)


def _forget_submission(token: str) -> None:
    from django.core.cache import cache

    if token:
        cache.delete(_submission_key(token))


def _payment_methods_note() -> str | None:
    """What the payment form says of the methods that take a balance elsewhere (a module registers them in
    hooks.PAYMENT_METHOD_PROVIDERS); nothing when no such method is offered."""
    offered = {value for value, _label in available_methods()}
    notes = []
    if "certificate" in offered:
        notes.append(str(_("Сертификатом — укажите его номер: сумма спишется с сертификата.")))
    if "bonus" in offered:
        notes.append(str(_("Бонусами — сумма спишется с бонусного счёта клиента.")))
    return " ".join(notes) or None
