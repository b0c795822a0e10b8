"""Reads of contracts, applying permissions, the office scope and the "own contracts only" rule."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext

from legal_crm.contracts import perms
from legal_crm.core.access import ADMINISTRATORS_GROUP
from legal_crm.core.auth_backends import users_with_perm
from legal_crm.directory.selectors import client_link
from legal_crm.org.models import Employee
from legal_crm.org.selectors import office_ids_visible_to, scope_to_offices
from legal_crm.todos.selectors import next_open_task_of_record

from .models import (
    ActionType,
    Contract,
    ContractAction,
    ContractDocument,
    ContractNumbering,
    ContractStage,
    DocumentGroup,
    DocumentTemplate,
    RequiredDocument,
    ServiceSettings,
    TerminationRequest,
)

OFFICE_CONTRACTS_PERM = perms.VIEW_OFFICE_CONTRACTS


def contract_list_visible_to(user) -> QuerySet[Contract]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_CONTRACT):
        return Contract.objects.none()
    qs = scope_to_offices(Contract.objects.all(), user)
    own = own_contracts_q(user)
    return qs if own is None else qs.filter(own)


def own_contracts_q(user, prefix: str = "") -> Q | None:
    """The "own only" rule: None for roles that see every contract of their offices; otherwise the condition
    (on rows reaching the contract through `prefix`, e.g. "contract__") keeping the contracts the user sold,
    made (a seller who names a colleague as the contract's seller still opens the card they just created)
    or works on. Billing applies it to invoices and payments, so both lists agree with the contract list."""
    if user.has_perm(OFFICE_CONTRACTS_PERM):
        return None
    lawyer_of = Contract.lawyers.through.objects.filter(user_id=user.pk).values("contract_id")
    return (Q(**{f"{prefix}sales_manager_id": user.pk}) | Q(**{f"{prefix}created_by_id": user.pk})
            | Q(**{f"{prefix}pk__in": lawyer_of}))


OUTSIDE_OFFICES = "office"
NOT_OWN = "not_own"


def contract_scope_gap(user, contract: Contract, *, own_rule: bool = True) -> str | None:
    """Why `contract` is outside the rows the user works on (its money, its complaints), None if it is not:
    OUTSIDE_OFFICES — it belongs to an office the user does not work in; NOT_OWN — the user's role works only on
    its own contracts (own_contracts_q) and this is not one of them (skipped with own_rule=False). Other modules
    ask this instead of restating the contract scope."""
    ids = office_ids_visible_to(user)
    if ids is not None and contract.office_id not in ids:
        return OUTSIDE_OFFICES
    if own_rule:
        own = own_contracts_q(user)
        if own is not None and not Contract.objects.filter(own, pk=contract.pk).exists():
            return NOT_OWN
    return None


SELL_PERM = perms.ADD_CONTRACT


def seller_choices(offices) -> QuerySet:
    """The sales staff of `offices` (an office, or office ids): active, not blocked employees of those offices
    who may sell, i.e. whose effective permissions hold perms.ADD_CONTRACT (the sales managers' and
    office heads' roles, or a personal grant). A contract's seller is one of them, or the person making it."""
    ids = [offices.pk] if hasattr(offices, "pk") else list(offices)
    works_there = Employee.offices.through.objects.filter(employee__user=OuterRef("pk"), office_id__in=ids)
    # Administrators hold every right ("*") but sell nothing: they are not offered, though one may still make a
    # contract for themselves (ensure_seller lets the person making it be its seller).
    return (users_with_perm(SELL_PERM).filter(Exists(works_there), is_superuser=False)
            .exclude(groups__name=ADMINISTRATORS_GROUP)
            .exclude(employee__status__in=[Employee.Status.BLOCKED, Employee.Status.DISMISSED])
            .order_by("last_name", "first_name", "username"))


def contract_list_for_desk(user) -> QuerySet[Contract]:
    return contract_list_visible_to(user).select_related("office", "client", "service", "sales_manager")


def contract_card(user, pk: int) -> Contract:
    """One contract with everything its card shows, in a fixed number of queries."""
    stage_qs = ContractStage.objects.order_by("order").prefetch_related("expenses", "extra_work")
    # Action types come in their own small query: joining them makes MariaDB start from the type table and
    # scan every action of each type instead of this contract's actions.
    action_qs = (ContractAction.objects.select_related("author").prefetch_related("action_type")
                 .order_by("-happened_on", "-id"))
    document_qs = ContractDocument.objects.select_related("document_type", "uploaded_by").order_by("-created_at",
                                                                                                     "-id")
    return (
        contract_list_visible_to(user)
        .select_related("office", "client", "service__group", "sales_manager", "lead",
                        "bankruptcy__court", "bankruptcy__financial_manager__sro", "bankruptcy__sro")
        .prefetch_related(
            "lawyers",
            Prefetch("stages", queryset=stage_qs),
            Prefetch("actions", queryset=action_qs),
            Prefetch("documents", queryset=document_qs),
            Prefetch("termination_requests", queryset=TerminationRequest.objects.order_by("-received_on")),
            "bankruptcy__creditors__counterparty", "bankruptcy__property_items",
        )
        .get(pk=pk)
    )


def action_types_for(contract: Contract) -> QuerySet[ActionType]:
    return ActionType.objects.filter(is_active=True).filter(
        Q(services__isnull=True) | Q(services=contract.service_id)).distinct().order_by("order", "name")


def templates_for(contract: Contract) -> QuerySet[DocumentTemplate]:
    service = contract.service
    return DocumentTemplate.objects.filter(is_active=True).filter(
        Q(service_id=service.pk) | Q(service_group_id=service.group_id)
        | Q(service__isnull=True, service_group__isnull=True)).order_by("name")


def missing_documents(contract: Contract, documents=None) -> list:
    """The service's required document types that the contract has no document of yet."""
    if documents is None:
        present = set(contract.documents.values_list("document_type_id", flat=True))
    else:
        present = {d.document_type_id for d in documents}
    required = RequiredDocument.objects.filter(service_id=contract.service_id).select_related("document_type")
    return [r.document_type for r in required if r.document_type_id not in present]


def documents_by_group(documents) -> list[dict]:
    groups = {value: [] for value, _label in DocumentGroup.choices}
    for document in documents:
        groups.setdefault(document.group, []).append(document)
    return [{"value": value, "label": label, "documents": groups[value]} for value, label in DocumentGroup.choices]


def next_deadline(contract: Contract, *, today: datetime.date) -> dict | None:
    """The nearest date the responsible staff must keep: a stage due date or a termination answer."""
    candidates = []
    for stage in contract.stages.all():
        if stage.due_on and stage.status in (ContractStage.Status.PENDING, ContractStage.Status.IN_PROGRESS):
            candidates.append((stage.due_on, stage.name))
    for request in contract.termination_requests.all():
        if request.status == TerminationRequest.Status.OPEN:
            candidates.append((request.decision_due_on, "Ответ на заявление о расторжении"))
    case = contract.bankruptcy if hasattr(contract, "bankruptcy") else None
    if case is not None and case.hearing_on and case.hearing_on >= today:
        candidates.append((case.hearing_on, gettext("Судебное заседание")))
    task = next_open_task_of_record("contracts.contract", contract.pk)
    if task is not None:
        candidates.append((task.due_on, task.title))
    if not candidates:
        return None
    due, title = min(candidates)
    return {"date": due, "title": title, "overdue": due < today}


def mark_stage_moves(stages) -> list:
    """Set `can_start` / `can_finish` on each stage by the order rules of services.execution (one stage in
    progress; earlier mandatory stages finished first), so the card offers only the moves the service allows."""
    stages = sorted(stages, key=lambda s: s.order)
    running = any(s.status == ContractStage.Status.IN_PROGRESS for s in stages)
    earlier_open = False  # an earlier mandatory stage is not finished
    for stage in stages:
        in_order = not earlier_open
        stage.can_finish = in_order and not stage.is_closed
        stage.can_start = in_order and stage.status == ContractStage.Status.PENDING and not running
        if not stage.is_optional and stage.status != ContractStage.Status.DONE:
            earlier_open = True
    return stages


def stage_progress(stages) -> dict:
    stages = list(stages)
    closed = sum(1 for s in stages if s.is_closed)
    total = len(stages)
    expenses = sum((e.amount for s in stages for e in s.expenses.all()), start=0)
    return {"total": total, "closed": closed, "percent": int(closed * 100 / total) if total else 0,
            "expenses": expenses}


def service_contract_counts() -> QuerySet[ServiceSettings]:
    """Services with the number of their contracts in each state (SPEC 6.5.3)."""
    return ServiceSettings.objects.select_related("group").annotate(
        contracts_total=Count("contracts"),
        contracts_in_work=Count("contracts", filter=Q(contracts__status=Contract.Status.IN_WORK)),
    )


def contracts_referable_by(user) -> QuerySet[Contract]:
    """The contracts a user may name in another module's form (an invoice, a payment, a complaint) or have
    pre-filled from `?contract=`: those of the contract list (sales: their own) for a user who sees contracts,
    else the contracts of their offices (quality staff, finance without the contract list)."""
    if not getattr(user, "is_authenticated", False):
        return Contract.objects.none()
    if user.has_perm(perms.VIEW_CONTRACT):
        return contract_list_visible_to(user)
    return scope_to_offices(Contract.objects.all(), user)


def termination_list_visible_to(user) -> QuerySet[TerminationRequest]:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_TERMINATIONREQUEST):
        return TerminationRequest.objects.none()
    contracts = contracts_referable_by(user)
    return TerminationRequest.objects.filter(contract__in=contracts.values("pk")).select_related(
        "contract__office", "contract__client")


def stage_expenses_total(contract: Contract):
    return contract.stages.aggregate(total=Sum("expenses__amount"))["total"] or 0


def client_view(contract: Contract) -> dict:
    """What the client may see of their case (the portal reads this): the current stage in the client's
    words, the next date, published actions and documents. Nothing unpublished ever leaves here."""
    stages = [s for s in contract.stages.order_by("order") if s.client_visible]
    current = next((s for s in stages if s.status == ContractStage.Status.IN_PROGRESS), None)
    upcoming = next((s for s in stages if s.status == ContractStage.Status.PENDING and s.due_on), None)
    return {
        "stage": (current.client_title or current.name) if current else None,
        "stages": [{"title": s.client_title or s.name, "status": s.status} for s in stages],
        "next_date": (current.due_on if current and current.due_on else (upcoming.due_on if upcoming else None)),
        "actions": list(contract.actions.filter(published_to_portal=True).select_related("action_type")
                        .order_by("-happened_on", "-id")),
        "documents": list(contract.documents.filter(published_to_portal=True).order_by("-created_at")),
    }


def client_office_link(office_ids):
    """hooks.COUNTERPARTY_OFFICE_LINKS: the card is the client of a contract in these offices (None: in any)."""
    return client_link(Contract.objects.all(), office_ids)


def numbering_list_visible_to(user):
    """The offices' contract-number prefixes, limited to the offices the user works in."""
    return scope_to_offices(ContractNumbering.objects.select_related("office"), user)


def stage_expenses_visible_to(user) -> QuerySet:
    """Stage expenses of the contracts the user may see (finance's gross profit reads the cost of the work)."""
    from .models import StageExpense

    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_STAGEEXPENSE):
        return StageExpense.objects.none()
    qs = scope_to_offices(StageExpense.objects.all(), user, field="stage__contract__office")
    own = own_contracts_q(user, prefix="stage__contract__")
    return qs if own is None else qs.filter(own)


def contracts_idle_lawyers(*, days: int, day: datetime.date):
    """Contracts in work whose last action (or the start of work, without actions) was `days` days before `day`
    and nothing since: (lawyer id, office id, record type, record id) for each of their lawyers — quality's daily
    violation job. One query: the contract–lawyer pairs with two probes of the actions' (contract, date) index."""
    last = day - datetime.timedelta(days=days)
    acted_then = ContractAction.objects.filter(contract_id=OuterRef("contract_id"), happened_on=last)
    acted_since = ContractAction.objects.filter(contract_id=OuterRef("contract_id"), happened_on__gt=last,
                                                happened_on__lte=day)
    rows = (Contract.lawyers.through.objects
            .filter(contract__status=Contract.Status.IN_WORK)
            .filter(Q(Exists(acted_then)) | Q(contract__work_started_on=last))
            .exclude(contract__work_started_on__gt=last)  # the idle days count from the start of work too
            .filter(~Exists(acted_since))
            .values_list("user_id", "contract__office_id", "contract_id"))
    for user_id, office_id, contract_id in rows.iterator(chunk_size=2000):
        yield user_id, office_id, "contracts.contract", str(contract_id)
