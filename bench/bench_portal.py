"""Benchmark: the client portal's case page («Моё дело») of a contract with 300 published actions.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_portal REDIS_URL=redis://127.0.0.1:6379/10 \\
        .venv/bin/python bench/run.py portal [--contracts 150000] [--actions 33.34] [--runs 50] [--no-write]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database. It
migrates, fills the background with `generate_contracts.generate` (contracts with stages, actions, documents,
invoices), builds one contract through the services with 300 published actions (and 100 unpublished ones),
10 published documents and 6 invoices, and a small one with a single published action, both with a portal
account; then times the case page through Django's test client as the signed-in client (targets: p95 ≤ 200 ms
server time; the query count the same as on the small contract; page weight ≤ 300 KB without images). Prints a
Markdown table and rewrites the "## Portal" section of bench/RESULTS.md (not with --no-write).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")


from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path

P95_MS = 200
WEIGHT_KB = 300


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def build(admin, office, *, name: str, phone: str, published: int, hidden: int, documents: int, invoices: int):
    from django.core.files.base import ContentFile

    from legal_crm.billing.services import invoice_issue
    from legal_crm.contracts import services
    from legal_crm.contracts.models import ActionType, ContractAction, ContractDocument, DocumentGroup
    from legal_crm.directory.models import Counterparty, Service
    from legal_crm.portal.models import PortalAccount

    client = Counterparty.objects.create(name=name, role="client", phone=phone, address="Москва, ул. Ленина, 1")
    contract = services.contract_create(actor=admin, client=client, office=office,
                                        service=Service.objects.get(code="bfl-judicial"))
    today = datetime.date.today()
    services.contract_sign(actor=admin, contract=contract, signed_on=today - datetime.timedelta(days=200))
    contract = services.contract_start_work(actor=admin, contract=contract, lawyers=[admin])
    for stage in contract.stages.order_by("order")[:4]:
        services.stage_finish(actor=admin, stage=stage, skip=stage.is_optional)
    types = list(ActionType.objects.all())
    ContractAction.objects.bulk_create([
        ContractAction(contract=contract, action_type=types[i % len(types)],
                       text=f"Сделан шаг по делу № {i}: подготовлены и поданы документы, получен ответ.",
                       happened_on=today - datetime.timedelta(days=i % 200), author=admin,
                       published_to_portal=i < published) for i in range(published + hidden)])
    for i in range(documents):
        document = ContractDocument(contract=contract, group=DocumentGroup.PORTAL, title=f"Документ {i}",
                                    size=20, content_kind="pdf", published_to_portal=True)
        document.file.save(f"bench-{i}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    for i in range(invoices):
        invoice_issue(actor=admin, contract=contract, amount=Decimal("10000.00"),
                      due_date=today + datetime.timedelta(days=30 * i + 5))
    return contract, PortalAccount.objects.get(client=client)  # opened by contracts.contract_signed


def signed_in_client(account):
    from django.test import Client

    from legal_crm.portal.session import SESSION_KEY

    client = Client()
    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client


def count_queries(client, url: str) -> tuple[int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def write_results(text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    section = re.compile(r"\n## Portal\n.*?(?=\n## |\Z)", re.S)
    if section.search(current):
        current = section.sub(lambda _m: "\n" + text.rstrip() + "\n", current)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contracts", type=int, default=150_000, help="background contracts")
    parser.add_argument("--actions", type=float, default=33.34, help="actions per background contract")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_portal (a scratch database).")
    recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from generate_contracts import generate

    from legal_crm.core.access_sync import sync_groups
    from legal_crm.core.models import User
    from legal_crm.gc_tuning import tune_for_serving
    from legal_crm.org.models import Office

    setup_test_environment()
    call_command("migrate", verbosity=0)
    sync_groups()
    t0 = time.perf_counter()
    generate(contracts=args.contracts, actions_per_contract=args.actions, payments=0,
             log=lambda message: print(message, flush=True))
    t_gen = time.perf_counter() - t0
    office = Office.objects.get(code="bench0")
    admin = User.objects.create_superuser("bench-admin", "bench@example.ru", "demo")
    big, big_account = build(admin, office, name="Порталова Полина Павловна", phone="+79990000301", published=300,
                             hidden=100, documents=10, invoices=6)
    small, small_account = build(admin, office, name="Порталов Пётр Петрович", phone="+79990000302", published=1,
                                 hidden=1, documents=1, invoices=1)
    big_client, small_client = signed_in_client(big_account), signed_in_client(small_account)
    url = reverse("portal:case", args=[big.pk])
    small_url = reverse("portal:case", args=[small.pk])
    big_client.get(url)  # warm-up; the first visit writes the read receipts
    small_client.get(small_url)
    tune_for_serving()
    timings, cpu = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        assert big_client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    load = os.getloadavg()[0]
    queries, response = count_queries(big_client, url)
    small_queries, _ = count_queries(small_client, small_url)
    weight_kb = len(response.content) / 1024
    shown = response.content.decode().count("data-action=")
    version = connection.cursor().connection.get_server_info()
    result = p95(timings)
    ok = result <= P95_MS and queries == small_queries and weight_kb <= WEIGHT_KB and shown == 300
    text = "\n".join([
        "## Portal",
        "",
        "The client's case page (`/portal/cases/<id>/`) of a contract with 300 published actions (and 100 "
        "unpublished, which never reach the page), through Django's test client as the signed-in client "
        f"(`bench/run.py portal`). Background: {args.contracts:,} contracts, {args.actions} actions each on "
        f"average, generated in {t_gen:.0f} s.",
        "",
        "| measure | value | target |",
        "|---|---:|---|",
        f"| case page, p95 of {args.runs} runs | {result:.0f} ms | ≤ {P95_MS} ms |",
        f"| case page, median | {statistics.median(timings):.0f} ms | — |",
        f"| the web process's own CPU time, p95 (without waiting for the database or for a core) | "
        f"{p95(cpu):.0f} ms | — |",
        f"| queries, 300 actions / 1 action | {queries} / {small_queries} | the same |",
        f"| page weight | {weight_kb:.0f} KB | ≤ {WEIGHT_KB} KB without images |",
        f"| published actions on the page | {shown} | 300 |",
        "",
        f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared; load average "
        f"{load:.1f} while timing), {datetime.date.today():%d.%m.%Y}. "
        f"{'All targets met.' if ok else 'TARGET MISSED.'}",
    ])
    print(text)
    if not args.no_write:
        write_results(text)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
