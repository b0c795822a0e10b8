"""Generator of contracts, stages, actions and documents for the contracts benchmarks.

    from generate_contracts import generate
    generate(contracts=20_000, actions_per_contract=20)

Bulk inserts only (no services, no history rows), so millions of rows take minutes, not hours. Uses the
reference data shipped by the contracts migrations (services, stage templates, action and document types).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

MINIMAL_PDF = b"%PDF-1.4\n%%EOF\n"


def _offices(count: int):
    from legal_crm.org.models import Office

    return [Office.objects.get_or_create(code=f"bench{i}", defaults={
        "name": f"Офис {i}", "city": "Москва", "address": f"Москва, ул. Тестовая, {i}"})[0] for i in range(count)]


def generate(*, contracts: int, actions_per_contract: int, documents_per_contract: int = 2, batch: int = 5000,
             seed: int = 2026, log=print) -> dict:
    from legal_crm.contracts.models import (
        ActionType,
        Contract,
        ContractAction,
        ContractDocument,
        ContractStage,
        DocumentGroup,
        StageTemplate,
    )
    from legal_crm.directory.models import Counterparty, Service

    rnd = random.Random(seed)
    offices = _offices(20)
    services = list(Service.objects.filter(code__in=["bfl-judicial", "bfl-mfc", "debt-collectors",
                                                     "lawyer-consultation"]))
    templates = {s.pk: list(StageTemplate.objects.filter(service=s).order_by("order")) for s in services}
    action_types = list(ActionType.objects.all())
    statuses = [Contract.Status.IN_WORK] * 6 + [Contract.Status.SIGNED, Contract.Status.COMPLETED,
                                                  Contract.Status.DRAFT, Contract.Status.TERMINATED]
    today = datetime.date.today()
    made = {"contracts": 0, "stages": 0, "actions": 0, "documents": 0}
    start = Contract.objects.count()
    for offset in range(0, contracts, batch):
        size = min(batch, contracts - offset)
        clients = Counterparty.objects.bulk_create([
            Counterparty(name=f"Клиент Бенчмарков {start + offset + i}", role="client",
                         phone=f"+7999{(start + offset + i) % 10_000_000:07d}") for i in range(size)])
        rows = []
        for i, client in enumerate(clients):
            n = start + offset + i
            status = statuses[n % len(statuses)]
            rows.append(Contract(
                number=f"БЕН-{today.year}-{n:07d}", office=offices[n % len(offices)], client=client,
                service=services[n % len(services)], status=status, price=Decimal(rnd.choice([35000, 150000, 25000])),
                signed_on=None if status == Contract.Status.DRAFT else today - datetime.timedelta(days=n % 700)))
        created = Contract.objects.bulk_create(rows)
        stages, actions, documents = [], [], []
        for contract in created:
            if contract.status != Contract.Status.DRAFT:
                for t in templates[contract.service_id]:
                    stages.append(ContractStage(contract=contract, template=t, order=t.order, name=t.name,
                                                planned_days=t.planned_days, is_optional=t.is_optional,
                                                status="done" if t.order < 3 else "pending"))
            for k in range(actions_per_contract):
                actions.append(ContractAction(
                    contract=contract, action_type=action_types[k % len(action_types)], text=f"Действие {k}",
                    happened_on=today - datetime.timedelta(days=k), published_to_portal=k % 3 == 0))
            for k in range(documents_per_contract):
                documents.append(ContractDocument(contract=contract, group=DocumentGroup.values[k % 5],
                                                  title=f"Документ {k}", file=f"bench/{contract.pk}/{k}.pdf",
                                                  size=len(MINIMAL_PDF), content_kind="pdf"))
        ContractStage.objects.bulk_create(stages, batch_size=batch)
        ContractAction.objects.bulk_create(actions, batch_size=batch)
        ContractDocument.objects.bulk_create(documents, batch_size=batch)
        made["contracts"] += len(created)
        made["stages"] += len(stages)
        made["actions"] += len(actions)
        made["documents"] += len(documents)
        log(f"  {made['contracts']:,} contracts, {made['actions']:,} actions")
    return made
