"""Demo contracts: every state, stages in progress, actions, documents (real PDFs), termination requests.

Runs after the organisation, directories and leads demos; every write goes through the services, as a
person in the desk would make it. Re-running it changes nothing: a demo client with a contract is skipped.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create
from legal_crm.directory import demo as directory_demo
from legal_crm.directory.models import Counterparty, FinancialManager, Service
from legal_crm.org.models import Office

from . import services
from .models import Contract, DocumentTemplate, DocumentType
from .selectors import action_types_for

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")

# client name, phone, office, service, target state, actor logins (sales, lawyer, head)
CLIENTS = [
    ("Кузнецова Ирина Викторовна", "+79167001001", "msk", "bfl-judicial", "in_work_far"),
    ("Смирнов Алексей Петрович", "+79167001002", "msk", "bfl-judicial", "in_work"),
    ("Попова Елена Сергеевна", "+79167001003", "msk", "bfl-mfc", "in_work"),
    ("Васильев Дмитрий Олегович", "+79167001004", "msk", "debt-collectors", "completed"),
    ("Морозова Ольга Ивановна", "+79167001005", "msk", "bfl-judicial", "signed"),
    ("Новиков Андрей Андреевич", "+79167001006", "msk", "lawyer-consultation", "draft"),
    ("Фёдорова Наталья Павловна", "+79167001007", "msk", "bfl-judicial", "terminated"),
    ("Волков Игорь Николаевич", "+79167001008", "msk", "bfl-judicial", "termination_open"),
    ("Соколова Анна Михайловна", "+79167002001", "ekb", "bfl-judicial", "in_work"),
    ("Лебедев Сергей Викторович", "+79167002002", "ekb", "debt-collectors", "draft"),
    ("Козлова Марина Юрьевна", "+79167003001", "nsk", "bfl-mfc", "signed"),
    ("Егоров Павел Ильич", "+79167003002", "nsk", "lawyer-consultation", "completed"),
]
STAFF = {"msk": ("sales", "lawyer", "office_head"), "ekb": ("ekb.sales", "ekb.lawyer", None),
         "nsk": (None, "nsk.lawyer", "nsk.head")}


def _user(login):
    return User.objects.filter(username=login).first() if login else None


def _superuser():
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def _finish_stages(actor, contract, count: int) -> None:
    for stage in contract.stages.order_by("order")[:count]:
        stage.refresh_from_db()
        if not stage.is_closed:
            services.stage_finish(actor=actor, stage=stage, skip=stage.is_optional)


def _bankruptcy_details(actor, contract) -> None:
    court = Counterparty.objects.filter(role=Counterparty.Role.COURT, name=directory_demo.COURT).order_by("pk").first()
    manager = FinancialManager.objects.filter(inn=directory_demo.FINANCIAL_MANAGER_INN).order_by("pk").first()
    services.bankruptcy_case_update(actor=actor, contract=contract, court=court, financial_manager=manager,
                                    case_number=f"А40-{100000 + contract.pk}/2026", court_deposit=Decimal("25000"),
                                    monthly_income=Decimal("42000"), income_note="Заработная плата")
    debts = ((Decimal("612400.00"), "loan", "Кредитный договор"), (Decimal("188900.50"), "credit_card",
             "Договор кредитной карты"), (Decimal("54300.00"), "microloan", "Договор займа"))
    creditors = [c for c in (Counterparty.objects.filter(inn=inn).order_by("pk").first()
                             for _n, inn, _k, _o in directory_demo.CREDITORS) if c is not None]
    for (amount, kind, basis), creditor in zip(debts, creditors, strict=False):
        services.creditor_add(actor=actor, contract=contract, counterparty=creditor, debt_amount=amount,
                              basis=basis, kind=kind)
    services.property_add(actor=actor, contract=contract, kind="real_estate", is_sole_residence=True,
                          description="Квартира 42 м², Москва, ул. Садовая", value=Decimal("5200000"))


def _actions(actor, contract, codes) -> None:
    day = contract.work_started_on or timezone.localdate()
    available = {t.code: t for t in action_types_for(contract)}
    for offset, (code, text) in enumerate(codes):
        action_type = available.get(code)
        if action_type is None:
            continue
        happened = min(day + datetime.timedelta(days=offset * 3), timezone.localdate())
        services.action_add(actor=actor, contract=contract, action_type=action_type, text=text, happened_on=happened)


def _upload(actor, contract, type_code: str, name: str) -> None:
    document_type = DocumentType.objects.filter(code=type_code).first()
    services.document_upload(actor=actor, contract=contract, document_type=document_type,
                             file=ContentFile(MINIMAL_PDF, name=name))


def _make(spec, offices, generated: list) -> Contract | None:
    name, phone, office_code, service_code, state = spec
    office = offices.get(office_code)
    service = Service.objects.filter(code=service_code).first()
    if office is None or service is None:
        return None
    # The demo's contract is already there when a card with its phone has a contract for that service in that
    # office — even if a user has since renamed the card (seeding again must not make a second client and contract).
    if Contract.objects.filter(client__phone=phone, client__kind=Counterparty.Kind.PERSON, office=office,
                               service=service).exists():
        return None
    # The demo's own client card (its name and phone); a user's card with the same phone is left alone.
    client, _ = find_or_create(Counterparty, {"phone": phone, "name": name, "kind": Counterparty.Kind.PERSON,
                                              "role": Counterparty.Role.CLIENT},
                               {"address": f"{office.city}, ул. Садовая, {phone[-2:]}"})
    if Contract.objects.filter(client=client).exists():
        return None
    sales_login, lawyer_login, head_login = STAFF[office_code]
    fallback = _superuser()
    # An office without a sales manager (Novosibirsk) sells through its head, not through the superuser.
    sales = (_user(sales_login) or fallback) if sales_login else None
    lawyer, head = _user(lawyer_login) or fallback, _user(head_login) or fallback
    contract = services.contract_create(actor=head if sales is None else sales, client=client, service=service,
                                        office=office)
    if state == "draft":
        return contract
    services.contract_sign(actor=sales or head, contract=contract,
                           signed_on=timezone.localdate() - datetime.timedelta(days=40))
    _upload(sales or head, contract, "passport-main", "паспорт.pdf")
    if state == "signed":
        return contract
    contract = services.contract_start_work(actor=head or lawyer, contract=contract, lawyers=[lawyer])
    is_bfl = service.group.is_bankruptcy
    if is_bfl and service.code == "bfl-judicial":
        _bankruptcy_details(lawyer, contract)
    _actions(lawyer, contract, [
        ("consultation", "Первичная консультация: разобрали долги и доходы"),
        ("documents-requested", "Запросили справки в ФНС, СФР и БКИ"),
        ("internal-note", "Клиент просит звонить после 18:00"),
    ])
    if state in ("in_work_far", "completed", "terminated", "termination_open"):
        _actions(lawyer, contract, [("deposit-paid", "25 000 ₽ на депозит Арбитражного суда г. Москвы"),
                                    ("application-filed", "Заявление подано через «Мой арбитр»"),
                                    ("hearing-date-set", "Заседание назначено на 15.01.2027, 10:30")])
    services.contract_general_info_update(
        actor=lawyer, contract=contract, essence="Долги по кредитам и займам, платить нечем после потери работы",
        planned_actions="Собрать документы, подготовить заявление, сопровождать процедуру до освобождения от долгов",
        client_expectations="Списать долги, сохранить единственное жильё")
    stage_count = {"in_work": 2, "in_work_far": 7, "completed": 99}.get(state, 3)
    _finish_stages(lawyer, contract, stage_count)
    stages = list(contract.stages.order_by("order"))
    for stage, title, amount in zip(stages[2:5], ("Почтовые расходы: запросы кредиторам", "Государственная пошлина",
                                                   "Публикация в ЕФРСБ"), ("1250.00", "300.00", "15400.00"),
                                    strict=False):
        if stage.status != "pending":
            services.stage_expense_add(actor=lawyer, stage=stage, title=title, amount=Decimal(amount))
    _upload(lawyer, contract, "snils", "снилс.pdf")
    if len(generated) < 3:
        templates = [t for t in DocumentTemplate.objects.filter(code__in=["contract", "bankruptcy-application"])
                     if t.service_id in (None, service.pk)]
        for template in templates[: 3 - len(generated)]:
            generated.append(services.document_generate(actor=lawyer, contract=contract, template=template))
    if state == "completed":
        services.contract_complete(actor=head or lawyer, contract=contract)
    elif state in ("terminated", "termination_open"):
        received = timezone.localdate() - datetime.timedelta(days=14 if state == "termination_open" else 3)
        request = services.termination_request_create(actor=lawyer, contract=contract, received_on=received,
                                                      reason="Нашёл юриста дешевле" if state == "terminated"
                                                      else "Сложная финансовая ситуация, нечем платить")
        services.termination_retention_record(actor=lawyer, request=request,
                                              text="Предложили снизить ежемесячный платёж до 5 000 ₽")
        if state == "terminated":
            for step in request.steps.order_by("order"):
                approver = (User.objects.filter(groups=step.group_id, employee__offices=office).first()
                            or User.objects.filter(groups=step.group_id).first() or fallback)
                services.termination_step_approve(actor=approver, step=step, comment="Согласовано")
            services.termination_decide(actor=head, request=request, terminate=True,
                                        accepted_work_amount=Decimal("30000"), note="Возврат по заявлению")
    return contract


def seed() -> str:
    offices = {o.code: o for o in Office.objects.filter(code__in=["msk", "ekb", "nsk"])}
    if not offices:
        return "нет демо-офисов: сначала org.demo"
    if _superuser() is None and not User.objects.filter(username="office_head").exists():
        return "нет демо-сотрудников: сначала org.demo"
    generated: list = []
    made = [c for c in (_make(spec, offices, generated) for spec in CLIENTS) if c is not None]
    return f"договоров создано: {len(made)}, документов по шаблонам: {len(generated)}"
