"""Generator of the contracts benchmark's background: contracts with stages, actions, documents, invoices and
payments, fast, on MariaDB.

    from generate_contracts import generate
    generate(contracts=150_000, actions_per_contract=33.34, payments=2_000_000)

Rows go in with multi-row INSERTs (mysqlclient's `executemany` collapses one `INSERT … VALUES (…)` into
statements of up to 4 MB), ids are assigned here from the table's current maximum, and unique and foreign-key
checks are off for the session while loading; secondary indexes that take keys in random order are dropped
for the load and built again afterwards. No services, no history rows, no audit. Uses the reference
data shipped by the migrations (services, stage templates, action types).

Billing rows are consistent with what `billing.services` would write: every payment has one allocation to
its invoice and two balanced ledger rows (cash, invoice), an invoice's paid amount is the sum of its
payments, and its status and overdue flag follow from that (paid, partially paid, issued, cancelled).
"""

from __future__ import annotations

import datetime
import random
import re
import time
import uuid

MINIMAL_PDF = b"%PDF-1.4\n%%EOF\n"
BATCH = 5_000  # contracts per round; their actions, payments etc. go in 10,000-row INSERT groups
ROWS_PER_EXECUTEMANY = 10_000
MAX_STATEMENT_BYTES = 4 * 1024 * 1024  # below the server's max_allowed_packet (16 MB)
INVOICE_AMOUNTS = [5000, 7500, 10000, 12500, 15000, 25000]
METHODS = ["cash", "card", "bank_transfer", "portal"]


class Loader:
    """Inserts lists of dict rows (keys are column attnames) into a model's table.

    Columns a row leaves out get the field's default (or NULL, or ""), prepared for the database once.
    `take_ids(model, n)` hands out the next n primary keys, so related rows can be built before inserting.
    """

    def __init__(self, connection):
        connection.ensure_connection()
        self.connection = connection
        self.cursor = connection.connection.cursor()  # the raw mysqlclient cursor
        self.cursor.max_stmt_length = MAX_STATEMENT_BYTES
        self.cursor.execute("SET SESSION unique_checks=0, foreign_key_checks=0")
        self.next_ids: dict[str, int] = {}
        self.deferred: dict[str, list[str]] = {}  # table → definitions of the indexes dropped for the load
        self.counts: dict[str, int] = {}
        self._plans: dict[type, tuple[str, list[str], dict]] = {}

    def close(self) -> None:
        self.cursor.execute("SET SESSION unique_checks=1, foreign_key_checks=1")
        self.cursor.close()

    def defer_indexes(self, models) -> None:
        """Drop the secondary indexes no foreign key needs (created_at, paid_at, the ledger's operation uuid…):
        rows arrive in id order but those keys in random order, and with the server's 128 MB buffer pool every
        such insert would read an index page from disk. `restore_indexes` builds them again by sorting."""
        for model in models:
            table = model._meta.db_table
            self.cursor.execute(f"SHOW CREATE TABLE `{table}`")
            ddl = self.cursor.fetchone()[1]
            fk_columns = set(re.findall(r"FOREIGN KEY \(`(\w+)`\)", ddl))
            keys = re.findall(r"^\s*((?:UNIQUE )?KEY `(\w+)` \(`(\w+)`.*\)),?$", ddl, re.M)
            deferred = [(definition, name) for definition, name, first in keys if first not in fk_columns]
            if deferred:
                self.cursor.execute(f"ALTER TABLE `{table}` " + ", ".join(f"DROP KEY `{name}`" for _d, name in deferred))
                self.deferred[table] = [definition for definition, _name in deferred]

    def restore_indexes(self, log=print) -> None:
        for table, definitions in self.deferred.items():
            started = time.perf_counter()
            self.cursor.execute(f"ALTER TABLE `{table}` " + ", ".join(f"ADD {d}" for d in definitions))
            log(f"  {table}: {len(definitions)} indexes built in {time.perf_counter() - started:.0f} s")
        self.deferred = {}

    def _plan(self, model):
        plan = self._plans.get(model)
        if plan is None:
            # Generated columns (directory_counterparty.legal_key) are computed by the database, never inserted.
            fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
            defaults = {}
            for f in fields:
                if f.has_default():
                    defaults[f.attname] = f.get_db_prep_save(f.get_default(), self.connection)
                elif f.null:
                    defaults[f.attname] = None
                elif f.empty_strings_allowed and f.blank:
                    defaults[f.attname] = ""
            columns = [f.attname for f in fields]
            names = ", ".join(f"`{f.column}`" for f in fields)
            sql = (f"INSERT INTO `{model._meta.db_table}` ({names}) "
                   f"VALUES ({', '.join(['%s'] * len(fields))})")
            plan = self._plans[model] = (sql, columns, defaults)
        return plan

    def take_ids(self, model, n: int) -> range:
        table = model._meta.db_table
        if table not in self.next_ids:
            self.cursor.execute(f"SELECT COALESCE(MAX(`{model._meta.pk.column}`), 0) + 1 FROM `{table}`")
            self.next_ids[table] = int(self.cursor.fetchone()[0])
        first = self.next_ids[table]
        self.next_ids[table] = first + n
        return range(first, first + n)

    def take_id(self, model) -> int:
        return self.take_ids(model, 1).start

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        sql, columns, defaults = self._plan(model)
        missing = [c for c in columns if c not in rows[0]]
        for c in missing:
            if c not in defaults:
                raise ValueError(f"{model.__name__}.{c} has no default: give it a value")
        for start in range(0, len(rows), ROWS_PER_EXECUTEMANY):
            chunk = rows[start:start + ROWS_PER_EXECUTEMANY]
            self.cursor.executemany(sql, [tuple(r[c] if c in r else defaults[c] for c in columns) for r in chunk])
        name = model._meta.db_table
        self.counts[name] = self.counts.get(name, 0) + len(rows)


def _offices(count: int):
    from legal_crm.org.models import Office

    return [Office.objects.get_or_create(code=f"bench{i}", defaults={
        "name": f"Офис {i}", "city": "Москва", "address": f"Москва, ул. Тестовая, {i}"})[0] for i in range(count)]


def _share(total: int, parts: int, index: int) -> int:
    """The index-th of `parts` near-equal integer shares of `total` (the shares add up to `total`)."""
    return (index + 1) * total // parts - index * total // parts


class _Clock:
    """Naive-UTC datetime strings (MariaDB stores naive UTC), cached per day and hour."""

    def __init__(self):
        self._cache: dict[tuple, str] = {}

    def at(self, day: datetime.date, hour: int = 10) -> str:
        key = (day, hour)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = f"{day:%Y-%m-%d} {hour:02d}:00:00"
        return text


def _billing(loader: Loader, rnd: random.Random, contract: dict, payments_left: int, today: datetime.date,
             clock: _Clock) -> tuple[list, list, list, list]:
    """Invoices of one contract and `payments_left` payments on them, with allocations and ledger rows."""
    from legal_crm.billing.models import Invoice, LedgerEntry, Payment, PaymentAllocation

    invoices, payments, allocations, ledger = [], [], [], []
    plan = []  # per invoice: the payments on it, in per cent of its amount; None for a cancelled invoice
    while payments_left > 0:
        r = rnd.random()
        if payments_left >= 2 and r < 0.3:
            plan.append([50, 50])  # paid in two halves
        elif r < 0.38:
            plan.append([40])  # partially paid
        else:
            plan.append([100])
        payments_left -= len(plan[-1])
    if rnd.random() < 0.5:
        plan.append([])  # the latest invoice is still open
    if rnd.random() < 0.05:
        plan.insert(0, None)  # an early invoice was cancelled
    contract_id = contract["id"]
    signed = contract["signed_on"]
    step = max(1, (today - signed).days) / max(1, len(plan))
    for seq, shares in enumerate(plan, start=1):
        invoice_id = loader.take_id(Invoice)
        issued = signed + datetime.timedelta(days=int((seq - 1) * step))
        due = issued + datetime.timedelta(days=5)
        amount = rnd.choice(INVOICE_AMOUNTS)
        paid = 0
        for k, share in enumerate(shares or []):
            part = amount * share // 100
            paid += part
            payment_id = loader.take_id(Payment)
            paid_at = clock.at(min(today, issued + datetime.timedelta(days=1 + k * 3)), 9 + payment_id % 9)
            payments.append({
                "id": payment_id, "created_at": paid_at, "updated_at": paid_at, "contract_id": contract_id,
                "invoice_id": invoice_id, "amount": part, "method": METHODS[payment_id % len(METHODS)],
                "paid_at": paid_at, "external_ref": f"BEN-{payment_id}" if payment_id % 4 == 2 else None})
            allocations.append({"id": loader.take_id(PaymentAllocation), "payment_id": payment_id,
                                "invoice_id": invoice_id, "amount": part, "created_at": paid_at})
            operation = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
            for account, account_invoice in (("cash", None), ("invoice", invoice_id)):
                ledger.append({"id": loader.take_id(LedgerEntry), "operation": operation, "account": account,
                               "amount": part, "contract_id": contract_id, "invoice_id": account_invoice,
                               "payment_id": payment_id, "created_at": paid_at})
        if shares is None:
            status = "cancelled"
        elif paid == 0:
            status = "issued"
        elif paid < amount:
            status = "partially_paid"
        else:
            status = "paid"
        created = clock.at(issued)
        invoices.append({
            "id": invoice_id, "created_at": created, "updated_at": created, "contract_id": contract_id,
            "seq": seq, "number": f"{contract['number']}/{seq}", "kind": "one_off", "amount": amount,
            "paid_amount": paid, "issued_on": issued, "due_date": due, "status": status,
            "is_overdue": status in ("issued", "partially_paid") and due < today,
            "purpose": f"Оплата юридических услуг по договору № {contract['number']}",
            "cancelled_at": created if status == "cancelled" else None,
            "cancel_reason": "Выставлен ошибочно" if status == "cancelled" else ""})
    return invoices, payments, allocations, ledger


def generate(*, contracts: int, actions_per_contract: float, payments: int = 0, documents_per_contract: int = 2,
             batch: int = BATCH, seed: int = 2026, log=print) -> dict:
    """Add `contracts` contracts; `actions_per_contract` may be fractional (the total is rounded down);
    `payments` are spread over the contracts that are not drafts, one to three per invoice."""
    from django.db import connection

    from legal_crm.billing.models import Invoice, LedgerEntry, Payment, PaymentAllocation
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
    offices = [o.pk for o in _offices(20)]
    services = list(Service.objects.filter(code__in=["bfl-judicial", "bfl-mfc", "debt-collectors",
                                                     "lawyer-consultation"]).order_by("code"))
    templates = {s.pk: list(StageTemplate.objects.filter(service=s).order_by("order")) for s in services}
    action_types = list(ActionType.objects.values_list("pk", flat=True))
    groups = DocumentGroup.values
    statuses = ["in_work"] * 6 + ["signed", "completed", "draft", "terminated"]
    prices = [35000, 150000, 25000]
    today = datetime.date.today()
    clock = _Clock()
    start = Contract.objects.count()
    total_actions = int(contracts * actions_per_contract)
    billed = sum(1 for n in range(start, start + contracts) if statuses[n % len(statuses)] != "draft")
    billed_index = 0

    models = (Counterparty, Contract, ContractStage, ContractAction, ContractDocument, Invoice, Payment,
              PaymentAllocation, LedgerEntry)
    loader = Loader(connection)
    started = time.perf_counter()
    rows_total = 0
    try:
        loader.defer_indexes(models)
        for offset in range(0, contracts, batch):
            size = min(batch, contracts - offset)
            client_ids = loader.take_ids(Counterparty, size)
            contract_ids = loader.take_ids(Contract, size)
            clients, rows = [], []
            stages, actions, documents = [], [], []
            invoices, pays, allocations, ledger = [], [], [], []
            for i in range(size):
                n = start + offset + i
                status = statuses[n % len(statuses)]
                signed = None if status == "draft" else today - datetime.timedelta(days=1 + n % 700)
                created = clock.at(signed or today - datetime.timedelta(days=n % 30))
                clients.append({"id": client_ids[i], "created_at": created, "updated_at": created,
                                "name": f"Клиент Бенчмарков {n}", "role": "client",
                                "phone": f"+7999{n % 10_000_000:07d}"})
                service = services[n % len(services)]
                contract = {
                    "id": contract_ids[i], "created_at": created, "updated_at": created,
                    "number": f"БЕН-{today.year}-{n:07d}", "office_id": offices[n % len(offices)],
                    "client_id": client_ids[i], "service_id": service.pk, "status": status,
                    "price": rnd.choice(prices), "signed_on": signed,
                    "work_started_on": signed if status in ("in_work", "completed") else None,
                    "completed_on": today if status == "completed" else None,
                    "terminated_on": today if status == "terminated" else None}
                rows.append(contract)
                if signed is not None:
                    for t in templates[service.pk]:
                        stages.append({"contract_id": contract["id"], "template_id": t.pk, "order": t.order,
                                       "name": t.name, "planned_days": t.planned_days,
                                       "is_optional": t.is_optional, "client_visible": t.client_visible,
                                       "client_title": t.client_title,
                                       "status": "done" if t.order < 3 else "pending"})
                    share = _share(payments, billed, billed_index) if payments else 0
                    billed_index += 1
                    parts = _billing(loader, rnd, contract, share, today, clock)
                    for target, made in zip((invoices, pays, allocations, ledger), parts, strict=True):
                        target.extend(made)
                first_day = signed or today
                life = max(1, (today - first_day).days)
                count = _share(total_actions, contracts, offset + i)
                for k in range(count):
                    day = first_day + datetime.timedelta(days=k * life // count)
                    at = clock.at(day, 9 + k % 9)
                    actions.append({"created_at": at, "updated_at": at, "contract_id": contract["id"],
                                    "action_type_id": action_types[k % len(action_types)],
                                    "text": f"Действие {k}", "happened_on": day, "published_to_portal": k % 3 == 0,
                                    "published_at": at if k % 3 == 0 else None})
                for k in range(documents_per_contract):
                    documents.append({"created_at": created, "updated_at": created, "contract_id": contract["id"],
                                      "group": groups[k % len(groups)], "title": f"Документ {k}",
                                      "file": f"bench/{contract['id']}/{k}.pdf", "size": len(MINIMAL_PDF),
                                      "content_kind": "pdf"})
            for rows_of, model in ((stages, ContractStage), (actions, ContractAction),
                                   (documents, ContractDocument)):
                for row, pk in zip(rows_of, loader.take_ids(model, len(rows_of)), strict=True):
                    row["id"] = pk
            for model, batch_rows in ((Counterparty, clients), (Contract, rows), (ContractStage, stages),
                                      (ContractAction, actions), (ContractDocument, documents),
                                      (Invoice, invoices), (Payment, pays), (PaymentAllocation, allocations),
                                      (LedgerEntry, ledger)):
                loader.insert(model, batch_rows)
                rows_total += len(batch_rows)
            elapsed = time.perf_counter() - started
            log(f"  {offset + size:,} contracts, {loader.counts.get(ContractAction._meta.db_table, 0):,} actions, "
                f"{loader.counts.get(Payment._meta.db_table, 0):,} payments; {rows_total:,} rows in {elapsed:.0f} s "
                f"({rows_total / elapsed:,.0f} rows/s)")
    finally:
        loader.restore_indexes(log)
        loader.close()
    # Explicit ids move each table's AUTO_INCREMENT past them, so later ORM inserts continue after them.
    with connection.cursor() as cur:
        cur.execute("ANALYZE TABLE " + ", ".join(f"`{m._meta.db_table}`" for m in models))
        cur.fetchall()
    counts = loader.counts
    return {
        "contracts": counts.get(Contract._meta.db_table, 0),
        "stages": counts.get(ContractStage._meta.db_table, 0),
        "actions": counts.get(ContractAction._meta.db_table, 0),
        "documents": counts.get(ContractDocument._meta.db_table, 0),
        "invoices": counts.get(Invoice._meta.db_table, 0),
        "payments": counts.get(Payment._meta.db_table, 0),
        "ledger": counts.get(LedgerEntry._meta.db_table, 0),
        "rows": rows_total,
        "seconds": time.perf_counter() - started,
    }
