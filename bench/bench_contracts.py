"""Benchmark: the lawyer's contract card (200 actions, 50 documents) and the contract PDF.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_contracts \
        .venv/bin/python bench/bench_contracts.py [--contracts 20000] [--actions 20] [--runs 50]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates, fills the background with `generate_contracts.generate`, builds one bankruptcy contract with
14 stages and expenses, 200 actions, 50 documents, creditors and property, then times the card page through
Django's test client as an office-scoped lawyer (targets: p95 ≤ 250 ms, the query count independent of the
number of actions and documents) and the contract PDF (target ≤ 1 s). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")


from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def build_target(lawyer, office):
    from django.core.files.base import ContentFile

    from legal_crm.contracts import services
    from legal_crm.contracts.models import ActionType, ContractAction, ContractDocument, DocumentGroup
    from legal_crm.core.models import User
    from legal_crm.directory.models import Counterparty, Service

    admin = User.objects.create_superuser("bench-admin", "bench@example.ru", "demo")
    client = Counterparty.objects.create(name="Бенчмарков Борис Борисович", role="client", phone="+79990000001",
                                         passport_series="4510", passport_number="123456", inn="500100732259",
                                         address="Москва, ул. Ленина, 1")
    contract = services.contract_create(actor=admin, client=client, office=office,
                                        service=Service.objects.get(code="bfl-judicial"))
    services.contract_sign(actor=admin, contract=contract)
    contract = services.contract_start_work(actor=admin, contract=contract, lawyers=[lawyer])
    for i in range(3):
        bank = Counterparty.objects.create(kind="company", role="creditor", name=f"Банк №{i}")
        services.creditor_add(actor=admin, contract=contract, counterparty=bank, debt_amount=Decimal("250000"))
    services.property_add(actor=admin, contract=contract, kind="vehicle", description="Лада Гранта", value="200000")
    for stage in contract.stages.order_by("order")[:5]:
        services.stage_expense_add(actor=admin, stage=stage, title="Госпошлина", amount="300")
        services.stage_finish(actor=admin, stage=stage, skip=stage.is_optional)
    types = list(ActionType.objects.all())
    today = datetime.date.today()
    ContractAction.objects.bulk_create([
        ContractAction(contract=contract, action_type=types[i % len(types)], text=f"Действие по делу № {i}",
                       happened_on=today - datetime.timedelta(days=i % 300), author=lawyer,
                       published_to_portal=i % 2 == 0) for i in range(200)])
    for i in range(50):
        document = ContractDocument(contract=contract, group=DocumentGroup.values[i % 5], title=f"Документ {i}",
                                    size=15, content_kind="pdf", uploaded_by=lawyer)
        document.file.save(f"bench-{i}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.save()
    return contract


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=20_000)
    parser.add_argument("--actions", type=int, default=20, help="actions per background contract")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="time again on the data of the previous run")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_contracts (a scratch database).")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from generate_contracts import generate

    from legal_crm.contracts.printing import document_context, render_pdf
    from legal_crm.core.access_sync import sync_groups
    from legal_crm.core.models import User
    from legal_crm.org.models import Employee, Office

    setup_test_environment()
    from legal_crm.contracts.models import Contract

    if args.reuse:
        contract = Contract.objects.get(client__name="Бенчмарков Борис Борисович")
        lawyer = User.objects.get(username="bench-lawyer")
        made = {"contracts": Contract.objects.count(), "actions": contract.actions.model.objects.count(),
                "documents": contract.documents.model.objects.count(), "stages": contract.stages.model.objects.count()}
        t_gen = 0.0
    else:
        call_command("migrate", verbosity=0)
        sync_groups()
        t0 = time.perf_counter()
        made = generate(contracts=args.contracts, actions_per_contract=args.actions)
        t_gen = time.perf_counter() - t0
        office = Office.objects.get(code="bench0")
        lawyer = User.objects.create_user("bench-lawyer", password="demo", is_staff=True, last_name="Юристова",
                                          first_name="Юлия")
        from django.contrib.auth.models import Group

        lawyer.groups.add(Group.objects.get(name="Юристы"))
        employee = Employee.objects.create(user=lawyer, main_office=office)
        employee.offices.add(office)
        contract = build_target(lawyer, office)

    client = Client()
    client.force_login(lawyer)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    assert client.get(url).status_code == 200  # warm-up
    timings, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    context = document_context(contract)
    render_pdf("contracts/print/contract.html", context)  # fonts warm-up
    pdf_times = []
    for _ in range(10):
        t0 = time.perf_counter()
        content = render_pdf("contracts/print/contract.html", context)
        pdf_times.append(time.perf_counter() - t0)
    app_times = []
    for _ in range(10):
        t0 = time.perf_counter()
        render_pdf("contracts/print/bankruptcy_application.html", context)
        app_times.append(time.perf_counter() - t0)

    version = connection.cursor().connection.get_server_info()
    print(f"Background generated in {t_gen:.0f} s: {made['contracts']:,} contracts, {made['actions']:,} actions, "
          f"{made['documents']:,} documents, {made['stages']:,} stages")
    print()
    print("| measurement | data | runs | p50 | p95 | queries | target |")
    print("|---|---|---:|---:|---:|---:|---|")
    print(f"| contract card (all tabs in one page), wall time | 200 actions, 50 documents, 14 stages | {args.runs} | "
          f"{statistics.median(timings):.0f} ms | {p95(timings):.0f} ms | {len(queries.captured_queries)} | ≤ 250 ms p95 |")
    print(f"| contract card, CPU time of the web process | same | {args.runs} | {statistics.median(cpu):.0f} ms | "
          f"{p95(cpu):.0f} ms | — | — |")
    print(f"| contract PDF (WeasyPrint) | {len(content) // 1024} KB | 10 | {statistics.median(pdf_times):.2f} s | "
          f"{p95(pdf_times):.2f} s | — | ≤ 1 s |")
    print(f"| bankruptcy application PDF | 3 creditors, property | 10 | {statistics.median(app_times):.2f} s | "
          f"{p95(app_times):.2f} s | — | ≤ 1 s |")
    print()
    print(f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
          f"{datetime.date.today():%d.%m.%Y}.")


if __name__ == "__main__":
    main()
