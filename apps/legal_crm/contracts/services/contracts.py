"""The contract's lifecycle: draft → signed → in work → completed (termination lives in terminations)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.contracts import perms
from legal_crm.core.audit import audit
from legal_crm.core.dates import ANY, PAST_EVENT, PLANNED, date_error, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.guard import ensure
from legal_crm.core.money import MoneyError, parse_money, parse_plain_number
from legal_crm.core.text import clean_text_fields
from legal_crm.core.validation import validated
from legal_crm.directory.models import Counterparty
from legal_crm.directory.selectors import counterparty_list_visible_to

from ..models import (
    Contract,
    ContractNumberCounter,
    ContractStage,
    ServiceField,
    StageTemplate,
)
from ._common import (
    amount_or_error,
    ensure_contract,
    ensure_office,
    local_today,
    lock,
)
from .numbering import office_prefix

Status = Contract.Status
CUSTOM_NUMBER_LIMIT = Decimal("999999999999")


def _locked_counter(office, year: int) -> ContractNumberCounter:
    """The office-year counter row, created if missing, locked (SELECT … FOR UPDATE) until commit.

    The row is first upserted, which takes an exclusive lock at once: with a plain SELECT … FOR UPDATE then
    INSERT, two transactions numbering an office's first contract of the year both hold a shared lock on the
    new key and deadlock when each asks for the exclusive one (InnoDB).
    """
    table = connection.ops.quote_name(ContractNumberCounter._meta.db_table)
    if connection.vendor == "mysql":
        sql = (f"INSERT INTO {table} (office_id, year, last_value) VALUES (%s, %s, 0) "
               f"ON DUPLICATE KEY UPDATE last_value = last_value")
    else:
        sql = (f"INSERT INTO {table} (office_id, year, last_value) VALUES (%s, %s, 0) "
               f"ON CONFLICT (office_id, year) DO NOTHING")
    with connection.cursor() as cursor:
        cursor.execute(sql, [office.pk, year])
    return ContractNumberCounter.objects.select_for_update().get(office=office, year=year)


def next_contract_number(office, *, year: int | None = None) -> str:
    """МСК-2026-00042: the office prefix, the year, the office's running number in that year.

    Must run inside a transaction: the counter row stays locked until it commits, so two contracts
    created at once never share a number, and a rolled-back contract gives its number back.
    """
    year = year or local_today(office).year
    prefix = office_prefix(office)
    counter = _locked_counter(office, year)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return f"{prefix}-{year}-{counter.last_value:05d}"


def _snapshot(contract: Contract) -> dict:
    return {"status": contract.status, "price": str(contract.price), "service": contract.service_id,
            "office": contract.office_id}


def ensure_seller(actor, office, seller, *, actor_may_sell: bool = True) -> None:
    """A contract's seller is the person making it (`actor_may_sell`) or one of the office's sales staff
    (selectors.seller_choices): never someone of another office or without the right to sell."""
    from ..selectors import seller_choices

    if seller is None or (actor_may_sell and seller.pk == getattr(actor, "pk", None)):
        return
    if not seller_choices(office).filter(pk=seller.pk).exists():
        raise DomainError("invalid_seller",
                          _("%(user)s не продаёт договоры офиса «%(office)s».") % {"user": seller, "office": office},
                          fields={"sales_manager": _("Выберите сотрудника отдела продаж офиса «%(office)s».")
                                  % {"office": office}})


@transaction.atomic
def contract_create(*, actor, client: Counterparty, service, office, price: Decimal | None = None,
                    sales_manager=None, lawyers=(), lead=None, essence: str = "", discount: dict | None = None) -> Contract:
    """A draft contract for an existing client; priced from the service unless a price is given.
    The seller is the actor unless `sales_manager` names one of the office's sales staff. `discount`
    ({"scheme", "value", "approved_by"}) is given by the discounts module (hooks.CONTRACT_DISCOUNT) on that
    price; its refusal leaves no contract."""
    ensure(actor, perms.ADD_CONTRACT)
    ensure_office(actor, office)
    ensure_seller(actor, office, sales_manager)
    if client.role != Counterparty.Role.CLIENT or not counterparty_list_visible_to(actor).filter(pk=client.pk).exists():
        # Not a client card, or another office's client: a contract would open that card to this office.
        raise DomainError("unknown_client", _("Такого клиента нет среди ваших."),
                          fields={"client": _("Выберите клиента из списка.")})
    if not service.is_active:
        raise DomainError("service_inactive", _("Услуга «%(service)s» больше не продаётся.") % {"service": service},
                          fields={"service": _("Выберите действующую услугу.")})
    price = service.price if price is None else amount_or_error(price, "price")
    contract = Contract(
        number=next_contract_number(office), office=office, client=client, service=service, price=price,
        sales_manager=sales_manager or actor, created_by=actor, lead=lead, essence=essence,
    )
    validated(contract).save()
    if lawyers:
        contract.lawyers.set(lawyers)
    if discount:
        contract.price = _discounted_price(actor, contract, discount)
        contract.save(update_fields=["price", "updated_at"])
    audit(actor=actor, action="contract.create", obj=contract, after=_snapshot(contract))
    emit("contracts.contract_created", contract_id=contract.pk, lead_id=lead.pk if lead else None)
    return contract


def _discounted_price(actor, contract: Contract, discount: dict) -> Decimal:
    from django.utils.module_loading import import_string

    from legal_crm import hooks

    if not hooks.CONTRACT_DISCOUNT:
        raise DomainError("discounts_unavailable", _("Скидки в этой сборке не предусмотрены."),
                          fields={"discount": _("Скидки не предусмотрены.")})
    return import_string(hooks.CONTRACT_DISCOUNT)(actor=actor, contract=contract, **discount)


def _client_for_lead(actor, lead, inn: str = "") -> Counterparty:
    """The lead's client; the leads module finds (by ИНН, then phone) or creates it when there is none yet."""
    if lead.client_id:
        return lead.client
    from legal_crm.leads.services import lead_convert_to_client

    # The client card is made now; the lead's status becomes «Клиент» when the contract is signed
    # (leads.handlers_contracts.on_contract_signed).
    _lead, client, _created = lead_convert_to_client(actor=actor, lead=lead, inn=inn)
    lead.client = client
    return client


@transaction.atomic
def contract_create_from_lead(*, actor, lead, service=None, office=None, price: Decimal | None = None,
                              inn: str = "", sales_manager=None, discount: dict | None = None) -> Contract:
    """A draft contract for the lead's person, in the lead's office, for the chosen (or lead's) service.
    `inn`: the person's ИНН when known — an existing client card with it is used (SPEC: dedup by phone and ИНН).
    The seller is the person converting the lead (not the lead's operator), unless `sales_manager` names
    one of the office's sales staff."""
    service = service or getattr(lead, "service", None)
    if service is None:
        raise DomainError("service_required", _("Выберите услугу договора."),
                          fields={"service": _("Обязательное поле.")})
    office = office or lead.office
    if office is None:
        raise DomainError("office_required", _("У лида не указан офис: выберите офис договора."),
                          fields={"office": _("Обязательное поле.")})
    ensure(actor, perms.ADD_CONTRACT)
    ensure_office(actor, office)
    from legal_crm.leads.selectors import lead_list_visible_to

    if not lead_list_visible_to(actor).filter(pk=lead.pk).exists():
        raise DomainError("access_denied", _("Этот лид вам недоступен."))
    existing = Contract.objects.filter(lead=lead).exclude(status=Status.TERMINATED).first()
    if existing is not None and existing.status == Status.DRAFT and existing.service_id == service.pk:
        raise DomainError("draft_exists", _("По этому лиду уже есть черновик договора %(number)s.")
                          % {"number": existing.number})
    ensure_seller(actor, office, sales_manager)
    client = _client_for_lead(actor, lead, inn=inn)
    return contract_create(actor=actor, client=client, service=service, office=office, price=price, lead=lead,
                           sales_manager=sales_manager or actor, discount=discount)


def _refuse_transition(contract: Contract, target: str):
    raise DomainError(
        "invalid_transition",
        _("Договор %(number)s в статусе «%(status)s» нельзя перевести в «%(target)s».") % {
            "number": contract.number, "status": contract.get_status_display(),
            "target": Status(target).label},
    )


@transaction.atomic
def contract_update(*, actor, contract: Contract, **fields) -> Contract:
    """Price, manager and lawyers; price and service change only while the contract is a draft."""
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    contract = lock(contract)
    before = _snapshot(contract)
    lawyers = fields.pop("lawyers", None)
    allowed = {"price", "sales_manager", "service"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError("unknown_fields", _("Эти поля так не меняются: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if ({"price", "service"} & set(fields)) and not contract.can_change_terms():
        raise DomainError("not_draft", _("Стоимость и услугу можно менять только в черновике договора."))
    if "price" in fields:
        fields["price"] = amount_or_error(fields["price"], "price")
    if fields.get("sales_manager") is not None and fields["sales_manager"].pk != contract.sales_manager_id:
        ensure_seller(actor, contract.office, fields["sales_manager"], actor_may_sell=False)
    previous_service_id = contract.service_id
    for name, value in fields.items():
        setattr(contract, name, value)
    validated(contract).save()
    if lawyers is not None:
        contract.lawyers.set(lawyers)
    audit(actor=actor, action="contract.update", obj=contract, before=before, after=_snapshot(contract))
    if contract.service_id != previous_service_id:  # a draft may already be paid: its money moves with it
        emit("contracts.contract_service_changed", contract_id=contract.pk, office_id=contract.office_id,
             service_id=contract.service_id, previous_service_id=previous_service_id)
    return contract


@transaction.atomic
def contract_sign(*, actor, contract: Contract, signed_on: datetime.date | None = None) -> Contract:
    ensure_contract(actor, contract, perms.SIGN_CONTRACT)
    contract = lock(contract)
    if not contract.can_sign():
        _refuse_transition(contract, Status.SIGNED)
    if contract.price <= 0:
        raise DomainError("price_required", _("Укажите стоимость договора перед подписанием."),
                          fields={"price": _("Стоимость должна быть больше нуля.")})
    signed_on = signed_on or local_today(contract.office)
    if signed_on > local_today(contract.office):
        raise DomainError("future_date", _("Дата подписания не может быть в будущем."),
                          fields={"signed_on": _("Укажите сегодняшнюю или прошедшую дату.")})
    date_or_domain_error(signed_on, PAST_EVENT, "signed_on", local_today(contract.office))
    before = _snapshot(contract)
    contract.status, contract.signed_on = Status.SIGNED, signed_on
    contract.save(update_fields=["status", "signed_on", "updated_at"])
    audit(actor=actor, action="contract.sign", obj=contract, before=before, after=_snapshot(contract))
    emit("contracts.contract_signed", contract_id=contract.pk, signed_on=signed_on.isoformat(),
         lead_id=contract.lead_id, client_id=contract.client_id, actor_id=actor.pk)
    return contract


def create_stages_from_template(contract: Contract, *, start: datetime.date) -> list[ContractStage]:
    """Copy the service's stage template; due dates follow one another by their planned days."""
    templates = list(StageTemplate.objects.filter(service_id=contract.service_id).order_by("order"))
    stages, due = [], start
    for template in templates:
        if not template.is_optional:
            due = due + datetime.timedelta(days=template.planned_days)
        stages.append(ContractStage(
            contract=contract, template=template, order=template.order, name=template.name,
            planned_days=template.planned_days, is_optional=template.is_optional,
            client_visible=template.client_visible, client_title=template.client_title,
            due_on=due if template.planned_days else None,
        ))
    ContractStage.objects.bulk_create(stages)
    return stages


@transaction.atomic
def contract_start_work(*, actor, contract: Contract, lawyers=None) -> Contract:
    """Signed → in work: the service's stages appear, the first one starts."""
    ensure_contract(actor, contract, perms.MANAGE_CONTRACT_WORK)
    contract = lock(contract)
    if not contract.can_start_work():
        _refuse_transition(contract, Status.IN_WORK)
    if lawyers is not None:
        contract.lawyers.set(lawyers)
    if not contract.lawyers.exists():
        raise DomainError("lawyer_required", _("Назначьте ответственного юриста, прежде чем начинать работу."),
                          fields={"lawyers": _("Выберите хотя бы одного юриста.")})
    before = _snapshot(contract)
    today = local_today(contract.office)
    contract.status, contract.work_started_on = Status.IN_WORK, today
    contract.save(update_fields=["status", "work_started_on", "updated_at"])
    if not contract.stages.exists():
        create_stages_from_template(contract, start=today)
    first = contract.stages.filter(status=ContractStage.Status.PENDING).order_by("order").first()
    if first is not None:
        first.status, first.started_at = ContractStage.Status.IN_PROGRESS, timezone.now()
        first.save(update_fields=["status", "started_at"])
        emit("contracts.stage_started", contract_id=contract.pk, stage_id=first.pk, stage=first.name)
    audit(actor=actor, action="contract.start_work", obj=contract, before=before, after=_snapshot(contract))
    emit("contracts.contract_work_started", contract_id=contract.pk)
    return contract


@transaction.atomic
def contract_complete(*, actor, contract: Contract, completed_on: datetime.date | None = None) -> Contract:
    """In work → completed, once every mandatory stage is done and no termination is pending."""
    ensure_contract(actor, contract, perms.MANAGE_CONTRACT_WORK)
    contract = lock(contract)
    if not contract.can_complete():
        _refuse_transition(contract, Status.COMPLETED)
    open_stages = list(contract.stages.filter(is_optional=False).exclude(
        status__in=[ContractStage.Status.DONE, ContractStage.Status.SKIPPED]).values_list("name", flat=True))
    if open_stages:
        raise DomainError("stages_open", _("Не завершены этапы: %(stages)s.") % {"stages": "; ".join(open_stages)})
    if contract.termination_requests.filter(status="open").exists():
        raise DomainError("termination_pending", _("По договору открыто заявление о расторжении: сначала примите "
                                                   "по нему решение."))
    before = _snapshot(contract)
    contract.status, contract.completed_on = Status.COMPLETED, completed_on or local_today(contract.office)
    contract.save(update_fields=["status", "completed_on", "updated_at"])
    audit(actor=actor, action="contract.complete", obj=contract, before=before, after=_snapshot(contract))
    emit("contracts.contract_completed", contract_id=contract.pk)
    return contract


def _clean_custom_value(field: ServiceField, raw):
    if raw in (None, ""):
        if field.required:
            raise DomainError("custom_field_required", _("Проверьте выделенные поля."),
                              fields={field.code: _("Обязательное поле.")})
        return None
    try:
        if field.kind == ServiceField.Kind.NUMBER:
            return str(parse_plain_number(raw, max_value=CUSTOM_NUMBER_LIMIT))
        if field.kind == ServiceField.Kind.MONEY:
            return str(parse_money(raw))
        if field.kind == ServiceField.Kind.DATE:
            if isinstance(raw, datetime.date):
                date_or_domain_error(raw, ANY, field.code)
                return raw.isoformat()
            text = str(raw).strip()
            fmt = "%d.%m.%Y" if "." in text else "%Y-%m-%d"
            day = datetime.datetime.strptime(text, fmt).date()
            message = date_error(day, ANY)
            if message:
                raise DomainError("date_out_of_range", message, fields={field.code: message})
            return day.isoformat()
        if field.kind == ServiceField.Kind.BOOL:
            return str(raw).lower() in ("1", "true", "on", "да", "yes")
        if field.kind == ServiceField.Kind.CHOICE and str(raw) not in field.choice_list:
            raise ValueError
    except MoneyError as exc:
        raise DomainError(exc.code, _("Проверьте выделенные поля."), fields={field.code: exc.message}) from exc
    except (ValueError, ArithmeticError) as exc:
        raise DomainError("custom_field_invalid", _("Проверьте выделенные поля."),
                          fields={field.code: _("Недопустимое значение для поля «%(label)s».")
                                  % {"label": field.label}}) from exc
    return str(raw)


GENERAL_FIELDS = ("essence", "planned_actions", "client_expectations", "expected_start_on", "expected_end_on")


@transaction.atomic
def contract_general_info_update(*, actor, contract: Contract, custom_fields: dict | None = None,
                                 **fields) -> Contract:
    """The general information (SPEC 5.3.1) and the service's own fields."""
    ensure_contract(actor, contract, perms.CHANGE_CONTRACT)
    contract = lock(contract)
    unknown = set(fields) - set(GENERAL_FIELDS)
    if unknown:
        raise DomainError("unknown_fields", _("Неизвестные поля: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    fields = clean_text_fields(fields, {"essence", "planned_actions", "client_expectations"}, multiline={"essence", "planned_actions", "client_expectations"})
    for name in ("expected_start_on", "expected_end_on"):
        if name in fields:
            date_or_domain_error(fields[name], PLANNED, name)
    for name, value in fields.items():
        setattr(contract, name, value)
    if contract.expected_start_on and contract.expected_end_on and contract.expected_end_on < contract.expected_start_on:
        raise DomainError("end_before_start", _("Проверьте выделенные поля."),
                          fields={"expected_end_on": _("Завершение не может быть раньше начала.")})
    if custom_fields is not None:
        definitions = {f.code: f for f in ServiceField.objects.filter(service_id=contract.service_id)}
        unknown = set(custom_fields) - set(definitions)
        if unknown:
            raise DomainError("unknown_fields", _("У услуги нет полей: %(f)s.") % {"f": ", ".join(sorted(unknown))})
        values = dict(contract.custom_fields or {})
        for code, definition in definitions.items():
            if code in custom_fields or definition.required:
                values[code] = _clean_custom_value(definition, custom_fields.get(code, values.get(code)))
        contract.custom_fields = values
    validated(contract).save()
    audit(actor=actor, action="contract.general_info", obj=contract,
          after=sorted([*fields, *(["custom_fields"] if custom_fields is not None else [])]))
    return contract
