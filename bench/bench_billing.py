"""Benchmark: the daily subscription-invoice job for 50,000 active subscriptions (target ≤ 60 s).

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_billing \
        .venv/bin/python bench/bench_billing.py [--subscriptions 50000] [--keep]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates, generates one contract and one subscription per row with bulk inserts, then times:
1. the job issuing every period's invoice; 2. the same job again (idempotent: nothing to issue);
and checks that each subscription got exactly one invoice and moved to the next period.
Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")


from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path


def generate(n: int, today: datetime.date) -> None:
    from legal_crm.billing.models import Subscription
    from legal_crm.contracts.models import Contract
    from legal_crm.directory.models import Counterparty, Service, ServiceGroup
    from legal_crm.org.models import Office

    offices = [Office.objects.create(name=f"Офис {i}", code=f"bench{i}", city="Москва", address="ул. Тестовая")
               for i in range(20)]
    group = ServiceGroup.objects.create(code="bench-subscription", name="Абонентское обслуживание")
    service = Service.objects.create(group=group, code="bench-subscription", name="Юрист на абонементе")
    clients = Counterparty.objects.bulk_create(
        [Counterparty(name=f"Клиент {i}", role="client") for i in range(n)], batch_size=5000)
    contracts = Contract.objects.bulk_create(
        [Contract(number=f"БЕН-{i:07d}", office=offices[i % len(offices)], client=clients[i], service=service,
                  status=Contract.Status.IN_WORK, price=Decimal("54000.00")) for i in range(n)], batch_size=5000)
    start = today.replace(day=1)
    Subscription.objects.bulk_create(
        [Subscription(contract=c, monthly_fee=Decimal("4500.00"), started_on=start, next_period_start=start)
         for c in contracts], batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=50_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_billing (a scratch database).")
    recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.billing.jobs import generate_subscription_invoices
    from legal_crm.billing.models import Invoice, Subscription

    call_command("migrate", verbosity=0)
    today = datetime.date.today()
    t0 = time.perf_counter()
    generate(args.subscriptions, today)
    t_gen = time.perf_counter() - t0

    with CaptureQueriesContext(connection) as q1:
        t0 = time.perf_counter()
        first = generate_subscription_invoices(today=today)
        t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    second = generate_subscription_invoices(today=today)
    t_second = time.perf_counter() - t0

    n = args.subscriptions
    assert first["issued"] == n, first
    assert second["issued"] == 0, second
    assert Invoice.objects.filter(kind="subscription").count() == n
    assert Subscription.objects.filter(next_period_start__gt=today).count() == n
    version = connection.cursor().connection.get_server_info()
    print(f"Data generated in {t_gen:.1f} s")
    print()
    print("| run | subscriptions | invoices issued | queries | time, s | target |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| first run of the day | {n:,} | {first['issued']:,} | {len(q1.captured_queries)} | {t_first:.1f} | ≤ 60 s |")
    print(f"| second run (idempotent) | {n:,} | {second['issued']:,} | — | {t_second:.1f} | nothing issued |")
    print()
    print(f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
          f"{datetime.date.today():%d.%m.%Y}.")


if __name__ == "__main__":
    main()
