"""The lawyer's contract card and the other desk pages of contracts (UX.md "Lawyer: the contract card").

Every POST calls one service; a DomainError becomes a message on the card. Reads go through selectors,
so the card costs a fixed number of queries however many actions and documents the contract has.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm import hooks
from legal_crm.contracts import perms
from legal_crm.core.access import ADMINISTRATORS_GROUP
from legal_crm.core.audit import audit_for
from legal_crm.core.auth_backends import users_with_perm
from legal_crm.core.card_links import card_links
from legal_crm.core.downloads import file_response
from legal_crm.core.errors import DomainError
from legal_crm.core.fields import MoneyFormField
from legal_crm.core.formatting import format_money
from legal_crm.core.forms import InvalidInput, errors_text, valid_data
from legal_crm.core.history_text import texts_of_page
from legal_crm.directory.models import Counterparty, Service
from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.org.models import Office
from legal_crm.org.selectors import office_ids_visible_to, office_list_visible_to

from . import card_forms, selectors, services
from .models import (
    ActionType,
    BankruptcyCase,
    Contract,
    ContractAction,
    ContractDocument,
    Creditor,
    DocumentGroup,
    DocumentType,
    PropertyItem,
    ServiceField,
    TerminationRequest,
    TerminationStep,
)
from .uploads import max_upload_bytes

TABS = [("general", gettext_lazy("Общее")), ("stages", gettext_lazy("Этапы")),
        ("actions", gettext_lazy("Действия")), ("documents", gettext_lazy("Документы")),
        ("money", gettext_lazy("Деньги")), ("history", gettext_lazy("История"))]
HISTORY_LIMIT = 50


def _tasks_context(user, contract) -> dict:
    """The card's side panel: the contract's open tasks (todos) and a link to set one about it."""
    from django.urls import reverse

    from legal_crm.todos import perms as todo_perms
    from legal_crm.todos.selectors import tasks_of_record

    if not user.has_perm(todo_perms.VIEW_TASK):
        return {}
    record = f"contracts.contract:{contract.pk}"
    return {"open_tasks": tasks_of_record(user, "contracts.contract", contract.pk).filter(status="new").count(),
            "tasks_url": reverse("admin:todos_task_changelist") + f"?record={record}",
            "new_task_url": reverse("admin:todos_task_create") + f"?record_type=contracts.contract&record_id={contract.pk}"}


def card_url(contract_id: int, tab: str = "") -> str:
    url = reverse("admin:contracts_contract_change", args=[contract_id])
    return f"{url}#{tab}" if tab else url


def _contract_or_404(request, pk) -> Contract:
    try:
        return selectors.contract_card(request.user, pk)
    except Contract.DoesNotExist:
        raise Http404(_("Договор не найден или вам недоступен.")) from None


def lawyers_for(office_id: int):
    """Who may be named the contract's lawyer: staff of its office with the right (a group's or their own), not
    members of a group of some name — renaming «Юристы» or granting the right to one person must just work.
    Administrators hold every right ("*") but lead no cases: they are not offered (as sellers are not,
    selectors.seller_choices)."""
    return (users_with_perm(perms.ACT_AS_CONTRACT_LAWYER)
            .filter(is_superuser=False, employee__offices=office_id)
            .exclude(groups__name=ADMINISTRATORS_GROUP)
            .distinct().order_by("last_name", "first_name"))


def _tab_template(request, contract: Contract, tab: str) -> str | None:
    """The template a higher module registered for this tab of the card (hooks.CONTRACT_CARD_TABS)."""
    path = hooks.CONTRACT_CARD_TABS.get(tab)
    return import_string(path)(request, contract) if path else None


def card_context(request, contract: Contract) -> dict:
    user = request.user
    stages = list(contract.stages.all())
    actions = list(contract.actions.all())
    documents = list(contract.documents.all())
    today = timezone.localdate()
    try:
        case = contract.bankruptcy
    except Contract.bankruptcy.RelatedObjectDoesNotExist:
        case = None
    money_template = _tab_template(request, contract, "money") or "contracts/card/money_fallback.html"
    history = list(audit_for(contract)[:HISTORY_LIMIT])
    # The records the entries name are read in one query per model (core.history_text.texts_of_page).
    texts = texts_of_page(history, lambda entry: audit_change_text(entry.before, entry.after))
    for entry, text in zip(history, texts, strict=True):
        entry.label = hooks.AUDIT_LABELS.get(entry.action, entry.action)
        entry.change_text = text
    values = contract.custom_fields or {}
    service_fields = [(f, values.get(f.code)) for f in ServiceField.objects.filter(service_id=contract.service_id)]
    bankruptcy_choices = {}
    if contract.service.group.is_bankruptcy and user.has_perm(perms.CHANGE_CONTRACT):
        from legal_crm.directory.models import FinancialManager

        bankruptcy_choices = {
            "courts": list(Counterparty.objects.filter(role=Counterparty.Role.COURT).only("id", "name")),
            "managers": list(FinancialManager.objects.filter(is_active=True).select_related("sro")),
            "creditor_choices": list(Counterparty.objects.filter(role=Counterparty.Role.CREDITOR)
                                     .only("id", "name", "short_name")[:500]),
            "property_kinds": PropertyItem.Kind.choices,
            "debt_kinds": Creditor.Kind.choices,
            "routes": BankruptcyCase.Route.choices,
        }
    post = {op: reverse("admin:contracts_contract_card_post", args=[contract.pk, op]) for op in POST_HANDLERS}
    document_url = reverse("admin:contracts_contract_document", args=[contract.pk, 0])[:-2]
    return {
        **bankruptcy_choices,
        "post": post,
        "document_url": document_url,
        "service_fields": service_fields,
        **admin.site.each_context(request),
        "title": _("Договор %(number)s") % {"number": contract.number},
        "opts": Contract._meta,
        "contract": contract,
        "case": case,
        "is_bankruptcy": contract.service.group.is_bankruptcy,
        "tabs": TABS,
        "stages": selectors.mark_stage_moves(stages),
        "progress": selectors.stage_progress(stages),
        "actions": actions,
        "action_types": list(selectors.action_types_for(contract)),
        "document_groups": selectors.documents_by_group(documents),
        "documents_count": len(documents),
        "missing": selectors.missing_documents(contract, documents),
        "document_types": list(DocumentType.objects.filter(is_active=True)),
        "group_choices": DocumentGroup.choices,
        "templates": list(selectors.templates_for(contract)),
        "lawyers": list(contract.lawyers.all()),
        "lawyer_choices": list(lawyers_for(contract.office_id)) if user.has_perm(perms.CHANGE_CONTRACT) else [],
        "next_deadline": selectors.next_deadline(contract, today=today),
        **_tasks_context(user, contract),
        "card_links": card_links(user, contract),
        "terminations": list(contract.termination_requests.all()),
        "money_template": money_template,
        "history": history,
        "today": today,
        "perms_": {
            "change": user.has_perm(perms.CHANGE_CONTRACT),
            "sign": user.has_perm(perms.SIGN_CONTRACT),
            "work": user.has_perm(perms.MANAGE_CONTRACT_WORK),
            "action": user.has_perm(perms.ADD_CONTRACTACTION),
            "publish": user.has_perm(perms.CHANGE_CONTRACTACTION),
            "document": user.has_perm(perms.ADD_CONTRACTDOCUMENT),
            "document_view": user.has_perm(perms.VIEW_CONTRACTDOCUMENT),  # a title is a link only to who may open it
            "document_publish": user.has_perm(perms.CHANGE_CONTRACTDOCUMENT),
            "stage": user.has_perm(perms.CHANGE_CONTRACTSTAGE),
            "expense": user.has_perm(perms.ADD_STAGEEXPENSE),
            "terminate": user.has_perm(perms.ADD_TERMINATIONREQUEST),
        },
        "max_upload_mb": max_upload_bytes() // (1024 * 1024),
    }


def contract_card_view(request, pk):
    contract = _contract_or_404(request, pk)
    return TemplateResponse(request, "contracts/contract_card.html", card_context(request, contract))


# --- POST handlers: each returns (success message, tab) -------------------------------------------

def _post_sign(request, contract):
    data = valid_data(card_forms.SignForm(request.POST))
    services.contract_sign(actor=request.user, contract=contract, signed_on=data["signed_on"])
    return _("Договор подписан."), "general"


def _lawyers(request, contract) -> list:
    return list(valid_data(card_forms.LawyersForm(request.POST, lawyers=lawyers_for(contract.office_id)))["lawyers"])


def _post_start(request, contract):
    lawyers = _lawyers(request, contract)
    services.contract_start_work(actor=request.user, contract=contract, lawyers=lawyers or None)
    return _("Договор передан в работу: этапы созданы."), "stages"


def _post_complete(request, contract):
    services.contract_complete(actor=request.user, contract=contract)
    return _("Договор исполнен."), "general"


def _post_team(request, contract):
    services.contract_update(actor=request.user, contract=contract, lawyers=_lawyers(request, contract))
    return _("Ответственные сохранены."), "general"


def _post_general(request, contract):
    form = card_forms.GeneralForm(request.POST,
                                  service_fields=ServiceField.objects.filter(service_id=contract.service_id))
    data = valid_data(form)
    services.contract_general_info_update(
        actor=request.user, contract=contract, custom_fields=form.custom_fields(),
        essence=data["essence"], planned_actions=data["planned_actions"],
        client_expectations=data["client_expectations"],
        expected_start_on=data["expected_start_on"], expected_end_on=data["expected_end_on"])
    return _("Общие сведения сохранены."), "general"


def _post_bankruptcy(request, contract):
    data = valid_data(card_forms.BankruptcyForm(request.POST))
    manager = data["financial_manager"]
    services.bankruptcy_case_update(
        actor=request.user, contract=contract, route=data["route"], court=data["court"],
        case_number=data["case_number"], financial_manager=manager, sro=manager.sro if manager else None,
        court_deposit=data["court_deposit"] or "0", monthly_income=data["monthly_income"] or "0",
        income_note=data["income_note"], filed_on=data["filed_on"], hearing_on=data["hearing_on"])
    return _("Сведения о банкротстве сохранены."), "general"


def _post_creditor(request, contract):
    data = valid_data(card_forms.CreditorForm(request.POST))
    services.creditor_add(actor=request.user, contract=contract, counterparty=data["counterparty"],
                          debt_amount=data["debt_amount"], basis=data["basis"], kind=data["kind"])
    return _("Долг кредитору добавлен."), "general"


def _post_creditor_update(request, contract):
    data = valid_data(card_forms.CreditorUpdateForm(request.POST))
    services.creditor_update(actor=request.user, contract=contract, creditor=data["debt"],
                             debt_amount=data["debt_amount"], kind=data["kind"], basis=data["basis"])
    return _("Долг кредитору сохранён."), "general"


def _post_creditor_remove(request, contract):
    data = valid_data(card_forms.DebtForm(request.POST))
    services.creditor_remove(actor=request.user, contract=contract, creditor=data["debt"])
    return _("Долг кредитору удалён."), "general"


def _post_property(request, contract):
    data = valid_data(card_forms.PropertyForm(request.POST))
    services.property_add(actor=request.user, contract=contract, kind=data["kind"], description=data["description"],
                          value=data["value"] or "0", is_sole_residence=data["is_sole_residence"],
                          is_pledged=data["is_pledged"])
    return _("Имущество добавлено."), "general"


def _post_stage_finish(request, contract):
    data = valid_data(card_forms.StageFinishForm(request.POST, contract=contract))
    services.stage_finish(actor=request.user, stage=data["stage"], skip=data["skip"], note=data["note"])
    return _("Этап закрыт."), "stages"


def _post_stage_start(request, contract):
    data = valid_data(card_forms.StageForm(request.POST, contract=contract))
    services.stage_start(actor=request.user, stage=data["stage"])
    return _("Этап начат."), "stages"


def _post_expense(request, contract):
    data = valid_data(card_forms.ExpenseForm(request.POST, contract=contract))
    services.stage_expense_add(actor=request.user, stage=data["stage"], title=data["title"], amount=data["amount"],
                               spent_on=data["spent_on"])
    return _("Расход записан."), "stages"


def _post_extra_work(request, contract):
    data = valid_data(card_forms.ExtraWorkForm(request.POST, contract=contract))
    services.extra_work_add(actor=request.user, stage=data["stage"], description=data["description"],
                            amount=data["amount"] or "0")
    return _("Дополнительная работа записана."), "stages"


def _post_action(request, contract):
    form = card_forms.ActionForm(request.POST)
    data = valid_data(form)
    publish = form.publish_choice()
    if publish is None and not request.user.has_perm(perms.CHANGE_CONTRACTACTION):
        publish = False  # the form offers no box without the publish right: its type's default is not asked for
    services.action_add(actor=request.user, contract=contract, action_type=data["action_type"], text=data["text"],
                        happened_on=data["happened_on"], publish=publish)
    return _("Действие записано."), "actions"


def _post_action_publish(request, contract):
    data = valid_data(card_forms.action_publish_form(request.POST, contract))
    published = data["published"]
    services.action_publish(actor=request.user, action=data["record"], published=published)
    return (_("Действие опубликовано клиенту.") if published else _("Действие скрыто от клиента.")), "actions"


def _post_upload(request, contract):
    files = request.FILES.getlist("file")
    if not files:
        raise DomainError("file_required", _("Выберите файл."), fields={"file": _("Обязательное поле.")})
    data = valid_data(card_forms.UploadForm(request.POST))
    for upload in files:
        services.document_upload(actor=request.user, contract=contract, file=upload,
                                 document_type=data["document_type"], group=data["group"] or None,
                                 title=data["title"] if len(files) == 1 else "", publish=data["publish"])
    return _("Загружено файлов: %(n)s.") % {"n": len(files)}, "documents"


def _post_document_publish(request, contract):
    data = valid_data(card_forms.document_publish_form(request.POST, contract))
    published = data["published"]
    services.document_publish(actor=request.user, document=data["record"], published=published)
    return (_("Документ опубликован клиенту.") if published else _("Документ скрыт от клиента.")), "documents"


def _post_generate(request, contract):
    data = valid_data(card_forms.GenerateForm(request.POST, templates=selectors.templates_for(contract)))
    document = services.document_generate(actor=request.user, contract=contract, template=data["template"])
    return _("Документ «%(t)s» сформирован.") % {"t": document.title}, "documents"


def _post_termination(request, contract):
    data = valid_data(card_forms.TerminationForm(request.POST))
    request_ = services.termination_request_create(actor=request.user, contract=contract, reason=data["reason"],
                                                   received_on=data["received_on"])
    return _("Заявление о расторжении зарегистрировано: ответить до %(d)s.") % {
        "d": request_.decision_due_on.strftime("%d.%m.%Y")}, "general"


POST_HANDLERS = {
    "sign": _post_sign, "start": _post_start, "complete": _post_complete, "team": _post_team,
    "general": _post_general, "bankruptcy": _post_bankruptcy, "creditor": _post_creditor,
    "creditor_update": _post_creditor_update, "creditor_remove": _post_creditor_remove,
    "property": _post_property, "stage_finish": _post_stage_finish, "stage_start": _post_stage_start,
    "expense": _post_expense, "extra_work": _post_extra_work, "action": _post_action,
    "action_publish": _post_action_publish, "upload": _post_upload, "document_publish": _post_document_publish,
    "generate": _post_generate, "termination": _post_termination,
}


def _report(request, exc: DomainError) -> None:
    detail = "; ".join(v for v in exc.fields.values() if v != exc.message)
    messages.error(request, f"{exc.message} {detail}".strip())


def contract_card_post(request, pk, op):
    if request.method != "POST":
        return HttpResponseRedirect(card_url(pk))
    contract = _contract_or_404(request, pk)
    handler = POST_HANDLERS.get(op)
    if handler is None:
        raise Http404
    shown = card_forms.TabForm(request.POST)
    shown_tab = shown.cleaned_data["tab"] if shown.is_valid() else ""  # the tab the form was on, to return to
    tab = ""
    try:
        text, tab = handler(request, contract)
    except InvalidInput as exc:
        messages.error(request, errors_text(exc.form))
    except DomainError as exc:
        _report(request, exc)
    else:
        messages.success(request, text)
    return HttpResponseRedirect(card_url(pk, shown_tab or tab))


def document_download(request, pk, document_id):
    contract = _contract_or_404(request, pk)
    if not request.user.has_perm(perms.VIEW_CONTRACTDOCUMENT):
        raise PermissionDenied
    document = get_object_or_404(ContractDocument, pk=document_id, contract=contract)
    return file_response(request, document.file)


def audit_change_text(before, after) -> str:
    """A contract history entry in words (core.history_text): labels, names, Да/Нет, only what changed — the
    contract's and its bankruptcy data's fields, and the keys of hooks.AUDIT_KEYS."""
    from legal_crm.core.history_text import change_text

    from .models import BankruptcyCase

    return change_text((Contract, BankruptcyCase), before, after)


def action_name(pk) -> str:
    """An action of a contract's history by its id: its type's name (hooks.AUDIT_KEYS «action»)."""
    if not str(pk).isdigit():
        return str(pk)  # not an id: the entry already names it
    action = ContractAction.objects.filter(pk=pk).select_related("action_type").first()
    return action.action_type.name if action is not None else f"№ {pk}"


def action_type_name(code) -> str:
    found = ActionType.objects.filter(code=code).values_list("name", flat=True).first()
    return found or str(code)


def template_name(code) -> str:
    from .models import DocumentTemplate

    found = DocumentTemplate.objects.filter(code=code).values_list("name", flat=True).first()
    return found or str(code)


# --- creating contracts -----------------------------------------------------------------------------

def _seller_offices(user, lead=None) -> list[int]:
    """Offices whose sales staff the create form offers as the seller: the lead's office, else the user's
    offices (for those who see every office: the offices they work in)."""
    if lead is not None and lead.office_id:
        return [lead.office_id]
    ids = office_ids_visible_to(user)
    if ids is None:
        ids = Office.objects.filter(employees__user=user).values_list("pk", flat=True)
    return list(ids)


class ContractCreateForm(forms.Form):
    client = forms.ModelChoiceField(label=gettext_lazy("Клиент"), queryset=Counterparty.objects.none())
    service = forms.ModelChoiceField(label=gettext_lazy("Услуга"), queryset=Service.objects.none())
    office = forms.ModelChoiceField(label=gettext_lazy("Офис"), queryset=Office.objects.none())
    price = MoneyFormField(label=gettext_lazy("Стоимость, ₽"), required=False,
                               help_text=gettext_lazy("Пусто — цена услуги."))
    inn = forms.CharField(label=gettext_lazy("ИНН клиента"), required=False, max_length=12,
                          help_text=gettext_lazy("Если известен: найдётся карточка клиента с этим ИНН, иначе — по "
                                                 "телефону лида."))
    sales_manager = forms.ModelChoiceField(
        label=gettext_lazy("Продавец"), queryset=get_user_model().objects.none(), required=False,
        empty_label=None, help_text=gettext_lazy("Кто продал договор: вы или сотрудник отдела продаж офиса договора."))
    # The discount fields are offered when a discounts module answers hooks.CONTRACT_DISCOUNT_CHOICES.
    discount_scheme = forms.TypedChoiceField(label=gettext_lazy("Скидка по схеме"), required=False, coerce=int,
                                             empty_value=None)
    discount_value = forms.CharField(label=gettext_lazy("Размер скидки"), required=False, max_length=20,
                                     help_text=gettext_lazy("В процентах или рублях — как в схеме."))
    discount_approved_by = forms.ModelChoiceField(
        label=gettext_lazy("Скидку согласовал"), queryset=get_user_model().objects.none(), required=False,
        help_text=gettext_lazy("Нужно, если скидка больше допустимой без согласования."))

    def __init__(self, *args, user, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._discount_fields(user)
        sellers = selectors.seller_choices(_seller_offices(user, lead)).values("pk")
        self.fields["sales_manager"].queryset = (get_user_model().objects.filter(Q(pk__in=sellers) | Q(pk=user.pk))
                                                 .order_by("last_name", "first_name", "username"))
        self.fields["sales_manager"].initial = user.pk
        self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related("group")
        self.fields["office"].queryset = office_list_visible_to(user).filter(is_active=True)
        self.fields["client"].queryset = counterparty_list_visible_to(user).filter(role=Counterparty.Role.CLIENT)
        if lead is None:
            del self.fields["inn"]
        if lead is not None:
            del self.fields["client"]
            if lead.client_id:
                del self.fields["inn"]
            if lead.office_id:
                self.fields["office"].initial = lead.office_id
            if getattr(lead, "service_id", None):
                self.fields["service"].initial = lead.service_id
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "cc-input")


    def _discount_fields(self, user) -> None:
        from django.utils.module_loading import import_string

        from legal_crm import hooks

        offered = import_string(hooks.CONTRACT_DISCOUNT_CHOICES)(user) if hooks.CONTRACT_DISCOUNT_CHOICES else None
        if not offered or not offered["schemes"]:
            for name in ("discount_scheme", "discount_value", "discount_approved_by"):
                del self.fields[name]
            return
        self.fields["discount_scheme"].choices = [("", gettext_lazy("Без скидки")), *offered["schemes"]]
        approvers = self.fields["discount_approved_by"]
        approvers.queryset = offered["approvers"].select_related("employee").prefetch_related("employee__offices")
        # An approver's right holds in their own offices (the service refuses another office's head): the list
        # says whose office each one is, for a user who sees several.
        approvers.label_from_instance = _approver_label

    def discount(self) -> dict | None:
        """The discount asked for, as contracts.services.contract_create takes it (None: no discount)."""
        data = self.cleaned_data
        if not data.get("discount_scheme"):
            return None
        return {"scheme": data["discount_scheme"], "value": data.get("discount_value") or "",
                "approved_by": data.get("discount_approved_by")}


def _approver_label(user) -> str:
    employee = getattr(user, "employee", None)
    offices = ", ".join(sorted(o.name for o in employee.offices.all())) if employee is not None else ""
    return f"{user} — {offices}" if offices else str(user)


def contract_add_view(request, lead=None):
    form = ContractCreateForm(request.POST or None, user=request.user, lead=lead)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if lead is not None:
                contract = services.contract_create_from_lead(actor=request.user, lead=lead, service=data["service"],
                                                              office=data["office"], price=data["price"],
                                                              inn=data.get("inn", ""),
                                                              sales_manager=data["sales_manager"],
                                                              discount=form.discount())
            else:
                contract = services.contract_create(actor=request.user, client=data["client"],
                                                    service=data["service"], office=data["office"],
                                                    price=data["price"], sales_manager=data["sales_manager"],
                                                    discount=form.discount())
        except DomainError as exc:
            if lead is not None and lead.client_id is not None:
                # The service set the client card it made on this lead object, then rolled the card back with
                # the refusal: read the lead again, or the page names a client that does not exist.
                lead.refresh_from_db(fields=["client"])
            for field, text in exc.fields.items():
                if field in form.fields:
                    form.add_error(field, text)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Черновик договора %(n)s создан.") % {"n": contract.number})
            return HttpResponseRedirect(card_url(contract.pk))
    context = {
        **admin.site.each_context(request),
        "title": _("Оформить договор") if lead is not None else _("Новый договор"),
        "opts": Contract._meta, "form": form, "lead": lead,
        "services": [(s, format_money(s.price)) for s in form.fields["service"].queryset],
    }
    return TemplateResponse(request, "contracts/contract_add.html", context)


def contract_from_lead_view(request, lead_id):
    from legal_crm.leads.selectors import lead_list_visible_to

    if not request.user.has_perm(perms.ADD_CONTRACT):
        raise PermissionDenied
    lead = get_object_or_404(lead_list_visible_to(request.user).select_related("client"), pk=lead_id)
    return contract_add_view(request, lead=lead)


# --- termination request page -----------------------------------------------------------------------

def termination_context(request, termination: TerminationRequest) -> dict:
    steps = list(termination.steps.select_related("group", "decided_by").order_by("order"))
    current = next((s for s in steps if s.status == TerminationStep.Status.PENDING), None)
    user = request.user
    can_approve = (current is not None and termination.is_open and user.has_perm(perms.APPROVE_TERMINATION)
                   and current.approvable_by(user))
    from .money import paid_amount

    return {
        **admin.site.each_context(request),
        "title": _("Заявление о расторжении: %(c)s") % {"c": termination.contract.number},
        "opts": TerminationRequest._meta, "termination": termination, "steps": steps, "current": current,
        "can_approve": can_approve, "is_open": termination.is_open,
        "can_change": user.has_perm(perms.CHANGE_TERMINATIONREQUEST),
        "can_decide": user.has_perm(perms.DECIDE_TERMINATION),
        "paid": paid_amount(termination.contract), "today": timezone.localdate(),
        "contract_url": card_url(termination.contract_id),
    }


def termination_view(request, pk):
    termination = get_object_or_404(selectors.termination_list_visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            op = valid_data(card_forms.TerminationOpForm(request.POST))["op"]
            if op == "retention":
                data = valid_data(card_forms.RetentionForm(request.POST))
                services.termination_retention_record(actor=request.user, request=termination, text=data["text"])
                messages.success(request, _("Попытка удержания записана."))
            elif op == "approve":
                data = valid_data(card_forms.ApproveForm(request.POST, termination=termination))
                services.termination_step_approve(actor=request.user, step=data["step"], comment=data["comment"])
                messages.success(request, _("Шаг «%(s)s» согласован.") % {"s": data["step"].title})
            else:
                data = valid_data(card_forms.DecideForm(request.POST))
                services.termination_decide(
                    actor=request.user, request=termination, terminate=op == "terminate",
                    accepted_work_amount=data["accepted_work_amount"] or None, note=data["note"])
                messages.success(request, _("Решение принято."))
        except InvalidInput as exc:
            messages.error(request, errors_text(exc.form))
        except DomainError as exc:
            _report(request, exc)
        return HttpResponseRedirect(reverse("admin:contracts_terminationrequest_change", args=[pk]))
    return TemplateResponse(request, "contracts/termination.html", termination_context(request, termination))
