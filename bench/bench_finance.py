"""Benchmark: the receivables and revenue reports over 150,000 contracts and 2,000,000 payments (targets: ≤ 1 s
p95 each, and within 1.5× a hand-written SQL computing the same figures, both measured in the same run).

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_finance \\
        .venv/bin/python bench/run.py finance [--contracts 150000] [--payments 2000000] [--runs 20] [--reuse]

The database named in DATABASE_URL is dropped and recreated (MariaDB) unless --reuse; the background comes from
bench/generate_contracts.py (invoices, payments, allocations and ledger rows as billing writes them). Timed for a
finance officer (every office): the overdue report (totals by age, the 500 oldest rows with each contract's
account state), the future payments (30 days) and the revenue by office and month for the last 12 months. The
hand-written SQL computes the same figures (overdue totals by age and the same 500 rows with the account states;
revenue by office and month); the ratio compares the report's p95 to the SQL's p95. The revenue report reads the
daily summary (finance.RevenueDay, built here after generating by the bulk rebuild, timed): its ratio is against a
hand SQL over that summary, and the hand SQL over the raw payments and refunds is timed too, for context; the
summary's figures are checked once against the report computed from the payments.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_payroll \\
        .venv/bin/python bench/run.py finance --payroll 3000 [--runs 5] [--reuse]

times the payroll of one office of 3,000 employees for a month (target ≤ 10 s): a month of their sales and
payments from bench/bench_payroll_data.py, then `payroll_compute` run again and again (each run replaces the
lines; an approved run would not be recomputed). Wall time, the process's CPU time and the time spent in the
database are reported apart: the machine may be shared.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")

from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the caches once, as a page opened a second time
    out = []
    for _i in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


OVERDUE_SQL = """
SELECT SUM(i.amount - i.paid_amount),
       SUM(CASE WHEN i.due_date >= %(d7)s THEN i.amount - i.paid_amount END),
       SUM(CASE WHEN i.due_date < %(d7)s AND i.due_date >= %(d30)s THEN i.amount - i.paid_amount END),
       SUM(CASE WHEN i.due_date < %(d30)s AND i.due_date >= %(d90)s THEN i.amount - i.paid_amount END),
       SUM(CASE WHEN i.due_date < %(d90)s THEN i.amount - i.paid_amount END)
FROM billing_invoice i WHERE i.status IN ('issued', 'partially_paid') AND i.due_date < %(today)s
"""
OVERDUE_ROWS_SQL = """
SELECT i.id, i.number, i.contract_id, c.number, cp.name, cp.phone, o.name, i.amount, i.paid_amount, i.due_date
FROM (SELECT id FROM billing_invoice WHERE status IN ('issued', 'partially_paid') AND due_date < %(today)s
      ORDER BY due_date, id LIMIT 500) page
JOIN billing_invoice i ON i.id = page.id JOIN contracts_contract c ON c.id = i.contract_id
JOIN directory_counterparty cp ON cp.id = c.client_id JOIN org_office o ON o.id = c.office_id
ORDER BY i.due_date, i.id
"""
STATE_SQL = [
    "SELECT contract_id, SUM(amount), SUM(refunded_amount) FROM billing_payment WHERE contract_id IN ({ids}) "
    "GROUP BY contract_id",
    "SELECT contract_id, SUM(amount - paid_amount) FROM billing_invoice WHERE contract_id IN ({ids}) "
    "AND status IN ('issued', 'partially_paid') GROUP BY contract_id",
    "SELECT contract_id, SUM(amount) FROM billing_ledgerentry WHERE contract_id IN ({ids}) AND account = 'advance' "
    "GROUP BY contract_id",
]
REVENUE_SQL = """
SELECT c.office_id, DATE_FORMAT(p.paid_at + INTERVAL 3 HOUR, '%%Y-%%m'), SUM(p.amount), COUNT(*)
FROM billing_payment p JOIN contracts_contract c ON c.id = p.contract_id
WHERE p.paid_at >= %(start)s AND p.paid_at < %(end)s GROUP BY 1, 2
"""
REFUNDS_SQL = """
SELECT c.office_id, DATE_FORMAT(r.refunded_at + INTERVAL 3 HOUR, '%%Y-%%m'), SUM(r.amount)
FROM billing_refund r JOIN billing_payment p ON p.id = r.payment_id JOIN contracts_contract c ON c.id = p.contract_id
WHERE r.refunded_at >= %(start)s AND r.refunded_at < %(end)s GROUP BY 1, 2
"""
SUMMARY_SQL = """
SELECT office_id, DATE_FORMAT(day, '%%Y-%%m'), SUM(received), SUM(refunded), SUM(payments)
FROM finance_revenueday WHERE day >= %(first)s AND day <= %(last)s GROUP BY 1, 2
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=150_000)
    parser.add_argument("--payments", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="time again on the data of the previous run")
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--payroll", type=int, metavar="EMPLOYEES", help="time the payroll of one office instead")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_finance (a scratch database).")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    if args.payroll:
        return payroll_main(args)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from legal_crm.billing.models import Payment
    from legal_crm.contracts.models import Contract
    from legal_crm.finance import receivables, revenue
    from legal_crm.finance.models import RevenueDay
    from legal_crm.finance.services.revenue_days import revenue_days_rebuild_all
    from legal_crm.org.tests.factories import UserFactory

    generated = ""
    if not args.reuse:
        call_command("migrate", verbosity=0)
        from generate_contracts import generate

        t0 = time.perf_counter()
        generate(contracts=args.contracts, actions_per_contract=0, payments=args.payments, documents_per_contract=0)
        generated = f" (generated in {time.perf_counter() - t0:.0f} s)"
    summary_built = ""
    if not args.reuse or not RevenueDay.objects.exists():
        t0 = time.perf_counter()
        cells = revenue_days_rebuild_all()
        summary_built = (f" The daily summary: {cells:,} rows, built by the bulk rebuild in "
                         f"{time.perf_counter() - t0:.1f} s.")
        print(summary_built.strip(), flush=True)
    user = UserFactory(username=f"bench-finance-{int(time.time())}", is_superuser=True)  # every office
    today = timezone.localdate()
    date_from = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    start, end = revenue.period_bounds(date_from, today)

    def report_overdue():
        return receivables.overdue_report(user, today=today)

    def report_revenue():
        return revenue.revenue_report(user, date_from=date_from, date_to=today)

    def report_future():
        return receivables.future_report(user, today=today, days=30)

    def sql_overdue():
        params = {"today": today, "d7": today - datetime.timedelta(days=7),
                  "d30": today - datetime.timedelta(days=30), "d90": today - datetime.timedelta(days=90)}
        with connection.cursor() as cur:
            cur.execute(OVERDUE_SQL, params)
            cur.fetchall()
            cur.execute(OVERDUE_ROWS_SQL, params)
            rows = cur.fetchall()
            ids = ",".join(str(i) for i in sorted({r[2] for r in rows})) or "0"
            for sql in STATE_SQL:
                cur.execute(sql.format(ids=ids))
                cur.fetchall()

    def sql_revenue_raw():
        with connection.cursor() as cur:
            for sql in (REVENUE_SQL, REFUNDS_SQL):
                cur.execute(sql, {"start": start, "end": end})
                cur.fetchall()

    def sql_revenue_summary():
        with connection.cursor() as cur:
            cur.execute(SUMMARY_SQL, {"first": date_from, "last": today})
            cur.fetchall()

    results = []
    for name, report, sql, raw in (("receivables: overdue", report_overdue, sql_overdue, None),
                                   ("revenue by office and month, 12 months", report_revenue, sql_revenue_summary,
                                    sql_revenue_raw),
                                   ("receivables: future payments, 30 days", report_future, None, None)):
        r = timed(report, args.runs)
        s = timed(sql, args.runs) if sql else None
        # the raw SQL takes tens of seconds at 2,000,000 payments: a few runs say enough
        w = timed(raw, min(args.runs, 2)) if raw else None
        results.append((name, r, s, w))
    # Honesty check: the summary's figures equal those computed from the payments (once, not timed).
    same = (revenue.revenue_by_office_month(user, date_from=date_from, date_to=today)
            == revenue.revenue_cells_from_payments(user, date_from=date_from, date_to=today))
    overdue_total = report_overdue()["total"]
    revenue_total = report_revenue()["total"]
    counts = (Contract.objects.count(), Payment.objects.count())
    lines = [
        "## Finance",
        "",
        "The receivables and revenue reports (`legal_crm.finance.receivables`, `legal_crm.finance.revenue`) for a "
        "finance officer who sees every office, against a hand-written SQL computing the same figures in the same "
        "run; targets ≤ 1 s p95 and ≤ 1.5× the SQL. Script: `bench/bench_finance.py`.",
        "",
        f"Database: {counts[0]:,} contracts, {counts[1]:,} payments{generated}; overdue total {overdue_total}, "
        f"revenue of 12 months {revenue_total}.{summary_built}",
        "",
        "The revenue report reads the daily summary (`finance.RevenueDay`); its SQL p95 is a hand SQL over the same "
        "summary, the raw SQL p95 (context only) the hand SQL over the payments and refunds joined to contracts "
        f"(REVENUE_SQL + REFUNDS_SQL). Summary figures equal those from the payments: {'yes' if same else 'NO'}.",
        "",
        "| report | runs | p50 | p95 | SQL p95 | ratio | raw SQL p95 | ≤ 1 s | ≤ 1.5× |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, r, s, w in results:
        raw_p95 = f"{p95(w) * 1000:.0f} ms" if w else "—"
        ordered = sorted(r)
        p50 = ordered[len(ordered) // 2]
        if s:
            ratio = p95(r) / p95(s) if p95(s) else float("inf")
            lines.append(f"| {name} | {len(r)} | {p50 * 1000:.0f} ms | {p95(r) * 1000:.0f} ms | "
                         f"{p95(s) * 1000:.0f} ms | {ratio:.2f} | {raw_p95} | {'yes' if p95(r) <= 1 else 'no'} | "
                         f"{'yes' if ratio <= 1.5 else 'no'} |")
        else:
            lines.append(f"| {name} | {len(r)} | {p50 * 1000:.0f} ms | {p95(r) * 1000:.0f} ms | — | — | — | "
                         f"{'yes' if p95(r) <= 1 else 'no'} | — |")
    lines += ["", f"{connection.vendor} {connection.mysql_server_info if connection.vendor == 'mysql' else ''}, "
              f"Python {platform.python_version()}, {os.cpu_count()} CPU cores, "
              f"{datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write and args.contracts >= 150_000:
        path = ROOT / "bench" / "RESULTS.md"
        current = path.read_text()
        section = re.compile(r"\n## Finance\n.*?(?=\n## |\Z)", re.S)
        if section.search(current):
            current = section.sub(lambda _m: "\n" + text.rstrip() + "\n", current)
        else:
            current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
        path.write_text(current)


def _write_section(title: str, text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text()
    section = re.compile(rf"\n## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    if section.search(current):
        current = section.sub(lambda _m: "\n" + text.rstrip() + "\n", current)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(current)


def payroll_main(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from legal_crm.finance.models import PayrollLine
    from legal_crm.finance.services.payroll import payroll_compute

    if not args.reuse:
        call_command("migrate", verbosity=0)
    from bench_payroll_data import generate

    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    t0 = time.perf_counter()
    office, counts = generate(employees=args.payroll, month=month)
    generated = f" (generated in {time.perf_counter() - t0:.0f} s)"
    db_time = [0.0]

    def count_db(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - started

    walls, cpus, dbs, queries = [], [], [], []
    for _i in range(args.runs):
        db_time[0] = 0.0
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count_db):
            with CaptureQueriesContext(connection) as captured:
                run = payroll_compute(actor=None, office=office, date_from=month, date_to=month_end)
        walls.append(time.perf_counter() - started_wall)
        cpus.append(time.process_time() - started_cpu)
        dbs.append(db_time[0])
        queries.append(len(captured))
    lines_count = PayrollLine.objects.filter(run=run).count()
    load = os.getloadavg()
    text = "\n".join([
        "## Finance: payroll",
        "",
        "`finance.services.payroll.payroll_compute` for one office and a month (target ≤ 10 s for 3,000 "
        "employees), recomputed on each run (the lines replaced). Script: `bench/bench_finance.py --payroll`.",
        "",
        f"Data: {counts['employees']:,} employees of one office, {counts['contracts']:,} contracts signed in the "
        f"month, {counts['payments']:,} payments{generated}; a run writes {lines_count:,} lines, total {run.total}.",
        "",
        "| runs | wall p50 | wall max | CPU (process) p50 | database p50 | queries | ≤ 10 s |",
        "|---:|---:|---:|---:|---:|---:|---|",
        f"| {len(walls)} | {sorted(walls)[len(walls) // 2]:.2f} s | {max(walls):.2f} s | "
        f"{sorted(cpus)[len(cpus) // 2]:.2f} s | {sorted(dbs)[len(dbs) // 2]:.2f} s | {max(queries)} | "
        f"{'yes' if max(walls) <= 10 else 'no'} |",
        "",
        "CPU is this process's own time (building the lines and their explanations); database is the time spent "
        "in its queries (the grouped figures, deleting and bulk-inserting the lines). The rest of the wall time is "
        "the wait for a core on the shared machine.",
        "",
        f"{connection.vendor} {connection.mysql_server_info if connection.vendor == 'mysql' else ''}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPU cores, load average {load[0]:.1f} / "
        f"{load[1]:.1f} / {load[2]:.1f} (shared machine), {datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC.",
    ])
    print(text)
    if not args.no_write and args.payroll >= 3000:
        _write_section("Finance: payroll", text)


if __name__ == "__main__":
    main()
