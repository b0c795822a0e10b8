"""What a signed-in client may read. Every row is found through the client's own contracts, so an id of another
client's contract, document, invoice, action or payment is simply not found (404) — never shown."""

from __future__ import annotations

import datetime
import re

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from legal_crm.billing.models import InstalmentSchedule, Invoice, ScheduleItem
from legal_crm.billing.selectors import contract_balance, contract_money_movements
from legal_crm.contracts import selectors as contract_selectors
from legal_crm.contracts.models import (
    BankruptcyCase,
    Contract,
    ContractAction,
    ContractDocument,
    DocumentType,
    RequiredDocument,
)
from legal_crm.directory.models import Counterparty
from legal_crm.messaging.tags import PATRONYMIC_ENDINGS, given_name

from .models import ActionReceipt, OnlinePayment, PortalAccount

VISIBLE_STATUSES = (Contract.Status.SIGNED, Contract.Status.IN_WORK, Contract.Status.COMPLETED,
                    Contract.Status.TERMINATED)


def contracts_of(account: PortalAccount) -> QuerySet[Contract]:
    """The client's contracts past the draft (a draft is the office's business until it is signed)."""
    return (Contract.objects.filter(client_id=account.client_id, status__in=VISIBLE_STATUSES)
            .select_related("service", "office").order_by("-signed_on", "-id"))


def contract_of(account: PortalAccount, contract_id) -> Contract:
    contract = contracts_of(account).filter(pk=contract_id).first()
    if contract is None:
        raise Http404
    return contract


# The second word of a Turkic patronymic written apart: «Гасан оглы», «Айгуль кызы».
_PATRONYMIC_TAILS = ("оглы", "кызы", "улы", "уулу")


def greeting_name(client: Counterparty) -> str:
    """How the cabinet addresses the client: a person by given name and patronymic — the card's «Кузнецова Ирина
    Викторовна» is greeted «Ирина Викторовна», «Кузнецова Ирина» «Ирина», «Ирина» «Ирина» (the given name is
    messaging's {first_name}); a company by its name."""
    if client.kind != Counterparty.Kind.PERSON:
        return client.short_name or client.name
    words = (client.name or "").split()
    if len(words) < 2:
        return " ".join(words)
    given = given_name(" ".join(words))  # one of the words: the first or the second
    after = words[words.index(given) + 1:]
    if len(after) >= 2 and after[1].lower() in _PATRONYMIC_TAILS:
        return " ".join([given, *after[:2]])
    if after and len(after[0]) > 4 and after[0].lower().endswith(PATRONYMIC_ENDINGS):
        return f"{given} {after[0]}"
    return given


def published_document_of(account: PortalAccount, document_id) -> ContractDocument:
    document = (ContractDocument.objects.filter(pk=document_id, published_to_portal=True,
                                                contract__in=contracts_of(account)).first())
    if document is None:
        raise Http404
    return document


def published_documents(contract: Contract) -> list[ContractDocument]:
    return list(ContractDocument.objects.filter(contract=contract, published_to_portal=True)
                .order_by("-created_at", "-id"))


def invoice_of(account: PortalAccount, invoice_id) -> Invoice:
    invoice = (Invoice.objects.filter(pk=invoice_id, contract__in=contracts_of(account))
               .select_related("contract").first())
    if invoice is None:
        raise Http404
    return invoice


def online_payment_of(account: PortalAccount, payment_id) -> OnlinePayment:
    payment = (OnlinePayment.objects.filter(pk=payment_id, account=account)
               .select_related("invoice__contract", "payment").first())
    if payment is None:
        raise Http404
    return payment


def _progress(stages: list[dict]) -> dict:
    done = sum(1 for s in stages if s["status"] in ("done", "skipped"))
    return {"done": done, "total": len(stages), "percent": int(done * 100 / len(stages)) if stages else 0}


def needed_documents(contract: Contract) -> list[DocumentType]:
    """The service's required document types the contract does not hold yet (what we need from the client) —
    only while the work goes on (signed or in work): a completed or terminated contract asks for nothing."""
    if not contract.is_open:
        return []
    have = ContractDocument.objects.filter(contract=contract, document_type__isnull=False).values("document_type")
    return [r.document_type for r in RequiredDocument.objects.filter(service_id=contract.service_id)
            .exclude(document_type__in=have).select_related("document_type").order_by("order", "id")]


def next_payment(contract: Contract) -> Invoice | None:
    return (Invoice.objects.filter(contract=contract, status__in=Invoice.OPEN_STATUSES)
            .order_by("due_date", "id").first())


# The shipped action type «Назначено судебное заседание» (contracts/reference.py): its published text names the
# hearing's date and often its time («Заседание назначено на 15.01.2027, 10:30»).
HEARING_ACTION = "hearing-date-set"
# «15.01.2027», «15.01.2027, 10:30», «15.01.2027 в 10.30», «15.01.2027 г. в 10:30»
_DATE_IN_TEXT = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"
                           r"(?:\s*г\.?)?(?:\s*,?\s*(?:в\s*)?(\d{1,2})[:.](\d{2})(?!\d))?")


def dates_in_text(text: str) -> list[tuple[datetime.date, str]]:
    """The calendar dates a text names, each with its time «10:30» when one follows it ("" otherwise); a date that
    does not exist (31.02) is no date."""
    found = []
    for day, month, year, hour, minute in _DATE_IN_TEXT.findall(text or ""):
        try:
            date = datetime.date(int(year), int(month), int(day))
        except ValueError:
            continue
        time = f"{int(hour):02d}:{minute}" if hour and int(hour) < 24 and int(minute) < 60 else ""
        found.append((date, time))
    return found


def next_hearing(contract: Contract, actions: list[ContractAction], today: datetime.date) -> dict | None:
    """The court hearing ahead: the bankruptcy case's hearing date (the lawyer's card), else the date the latest
    published «Назначено судебное заседание» tells the client (a moved hearing's newer action wins); its time from
    that action when the dates agree. None when neither names a day from today on."""
    told = next((a for a in actions if a.action_type.code == HEARING_ACTION), None)  # actions: newest first
    told_dates = [d for d in dates_in_text(told.text) if d[0] >= today] if told else []
    day = (BankruptcyCase.objects.filter(contract=contract, hearing_on__gte=today)
           .values_list("hearing_on", flat=True).first())
    if day is None and told_dates:
        day = told_dates[0][0]
    if day is None:
        return None
    time = next((t for d, t in told_dates if d == day and t), "")
    return {"kind": "hearing", "date": day, "time": time}


def upcoming_dates(*, live: bool, next_date, hearing: dict | None, due: Invoice | None,
                   today: datetime.date) -> list[dict]:
    """«Ближайшие даты», soonest first: the stage's deadline and the court hearing while the work goes on, and
    the invoice to pay (an overdue one first, by its past date)."""
    rows = []
    if live and next_date:
        rows.append({"kind": "stage", "date": next_date, "time": ""})
    if live and hearing:
        rows.append(hearing)
    if due is not None:
        rows.append({"kind": "payment", "date": due.due_date, "time": "", "invoice": due,
                     "overdue": due.due_date < today})
    order = {"payment": 0, "hearing": 1, "stage": 2}  # one day: pay first, then the hearing
    return sorted(rows, key=lambda r: (r["date"], r["time"] or "99:99", order[r["kind"]]))


def case_page(account: PortalAccount, contract: Contract) -> dict:
    """«Моё дело»: the stage in plain words, the next dates, what we need, the published timeline with whether the
    client has seen each action. A fixed number of queries whatever the number of actions."""
    view = contract_selectors.client_view(contract)
    live = contract.is_open  # signed or in work; completed and terminated contracts show their end instead
    actions: list[ContractAction] = view["actions"]
    seen = set(ActionReceipt.objects.filter(account=account, action__contract=contract)
               .values_list("action_id", flat=True))
    for action in actions:
        action.is_new = action.pk not in seen
    due = next_payment(contract)
    today = timezone.localdate()
    hearing = next_hearing(contract, actions, today) if live else None
    next_date = view["next_date"] if live else None
    return {
        "contract": contract,
        "live": live,
        "terminated": contract.status == Contract.Status.TERMINATED,
        "completed": contract.status == Contract.Status.COMPLETED,
        # the current stage and its deadline are live work: a terminated contract has none to show
        "stage": view["stage"] if live else None,
        "stages": view["stages"],
        "progress": _progress(view["stages"]) if contract.status != Contract.Status.TERMINATED else None,
        "next_date": next_date,
        "next_hearing": hearing,
        "next_payment": due,
        # An invoice past its date is not «to pay by» a day that has gone: the page says it is overdue.
        "next_payment_overdue": bool(due and due.due_date < today),
        "upcoming": upcoming_dates(live=live, next_date=next_date, hearing=hearing, due=due, today=today),
        "actions": actions,
        "documents": view["documents"],
        "needed": needed_documents(contract),
        "unseen_ids": [a.pk for a in actions if a.is_new],
    }


def money_page(contract: Contract) -> dict:
    schedule = (InstalmentSchedule.objects.filter(contract=contract, status=InstalmentSchedule.Status.ACTIVE)
                .order_by("-created_at").first())
    return {
        "invoices": list(Invoice.objects.filter(contract=contract).exclude(status=Invoice.Status.CANCELLED)
                         .order_by("-issued_on", "-id")),
        "schedule_items": list(ScheduleItem.objects.filter(schedule=schedule).select_related("invoice"))
        if schedule else [],
        # payments and refunds, so the list adds up to «Оплачено» (billing's paid total, net of refunds)
        "payments": contract_money_movements(contract),
        "balance": contract_balance(contract),
        "today": timezone.localdate(),
    }


def account_usage(account_ids) -> dict[int, int]:
    """Per account, how many published actions the client has opened (the desk's «прочитано» column)."""
    return dict(ActionReceipt.objects.filter(account_id__in=account_ids).values("account_id")
                .annotate(n=Count("id")).values_list("account_id", "n"))


def account_list_visible_to(user) -> QuerySet[PortalAccount]:
    """Portal accounts of the clients the employee sees (directory's client scope)."""
    from legal_crm.directory.selectors import counterparty_list_visible_to

    return PortalAccount.objects.filter(client__in=counterparty_list_visible_to(user)).select_related("client")
