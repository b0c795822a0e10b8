"""Benchmark: the daily violation job (quality/violations/jobs.py) over 3,000 employees, 150,000 contracts and
1,000,000 tasks (target ≤ 60 s), with every kind of rule of the checklist switched on.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_violations \
        .venv/bin/python bench/run.py violations [--tasks 1000000] [--contracts 150000] [--users 3000]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates and loads the background with generate_contracts.Loader (multi-row INSERTs, no services): offices,
employees, contracts in work with their lawyers and actions, tasks due from 60 days ago to 60 days ahead (a third
open), leads with their assignments and status changes, planned calls (some made in time, some late, some not at
all) and complaints. Then it runs the job twice (the second run must record nothing) and prints wall time, the
process's CPU time and the time spent waiting for the database, as a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")

from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path

OFFICES = 20
CHUNK = 50_000


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _with_ids(loader, model, rows: list[dict]) -> None:
    """The loader inserts explicit ids: hand out the next ones to rows that have none."""
    for row, pk in zip(rows, loader.take_ids(model, len(rows)), strict=True):
        row.setdefault("id", pk)
    loader.insert(model, rows)


def generate(args, today: datetime.date, log=print) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone
    from generate_contracts import Loader

    from legal_crm.contracts.models import ActionType, Contract, ContractAction
    from legal_crm.core.access_sync import sync_groups
    from legal_crm.core.models import User
    from legal_crm.directory.models import Counterparty, Service
    from legal_crm.leads.models import AssignmentLog, Lead, LeadStatus, LeadStatusLog, LeadType, PlannedCall
    from legal_crm.org.models import Employee, Office
    from legal_crm.quality.models import Complaint
    from legal_crm.todos.models import Task

    sync_groups()
    rnd = random.Random(14)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    offices = Office.objects.bulk_create([Office(name=f"Офис {i}", code=f"bench{i}", city="Москва",
                                                 address="ул. Тестовая") for i in range(OFFICES)])
    users = User.objects.bulk_create([User(username=f"bench{i}", password="!", first_name="Сотрудник",
                                           last_name=f"Тестов{i}", is_staff=True) for i in range(args.users)],
                                     batch_size=5000)
    employees = Employee.objects.bulk_create([Employee(user=u, main_office=offices[i % OFFICES])
                                              for i, u in enumerate(users)], batch_size=5000)
    Employee.offices.through.objects.bulk_create(
        [Employee.offices.through(employee=e, office=offices[i % OFFICES]) for i, e in enumerate(employees)],
        batch_size=5000)
    operators, lawyers = users[: args.users // 3], users[args.users // 3:]
    groups = {name: Group.objects.get(name=name) for name in ("Операторы колл-центра", "Юристы")}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user=u, group=groups["Операторы колл-центра" if u in operators else "Юристы"])
         for u in users], batch_size=5000)
    office_of = {u.pk: offices[i % OFFICES].pk for i, u in enumerate(users)}

    loader = Loader(connection)
    started = time.perf_counter()
    try:
        # contracts in work (most) with a lawyer and one to three actions
        service = Service.objects.order_by("pk").first()
        action_type = ActionType.objects.order_by("pk").first().pk
        client_ids = loader.take_ids(Counterparty, args.contracts)
        contract_ids = loader.take_ids(Contract, args.contracts)
        stamp = _utc(now)
        clients, contracts, lawyer_links, actions = [], [], [], []
        for n, (client_id, contract_id) in enumerate(zip(client_ids, contract_ids, strict=True)):
            lawyer = lawyers[n % len(lawyers)]
            started_on = today - datetime.timedelta(days=30 + n % 300)
            clients.append({"id": client_id, "created_at": stamp, "updated_at": stamp, "role": "client",
                            "name": f"Клиент Бенчмарков {n}", "phone": f"+7999{n % 10_000_000:07d}"})
            contracts.append({"id": contract_id, "created_at": stamp, "updated_at": stamp,
                              "number": f"НАР-{n:07d}", "office_id": office_of[lawyer.pk], "client_id": client_id,
                              "service_id": service.pk, "status": "in_work" if n % 10 < 8 else "completed",
                              "price": 100000, "signed_on": started_on, "work_started_on": started_on})
            lawyer_links.append({"contract_id": contract_id, "user_id": lawyer.pk})
            for _k in range(1 + n % 3):
                actions.append({"created_at": stamp, "updated_at": stamp, "contract_id": contract_id,
                                "action_type_id": action_type, "text": "Действие",
                                "happened_on": started_on + datetime.timedelta(days=rnd.randint(0, 29 + n % 300))})
        _with_ids(loader, Counterparty, clients)
        _with_ids(loader, Contract, contracts)
        _with_ids(loader, Contract.lawyers.through, lawyer_links)
        _with_ids(loader, ContractAction, actions)
        log(f"  {len(contracts):,} contracts, {len(actions):,} actions in {time.perf_counter() - started:.0f} s")

        statuses = ["new", "done", "confirmed"]
        for first in range(0, args.tasks, CHUNK):
            rows = []
            for i in range(first, min(first + CHUNK, args.tasks)):
                person = users[rnd.randrange(len(users))]
                due = today + datetime.timedelta(days=rnd.randint(-60, 60))
                status = statuses[i % 3]
                done_at = None
                if status != "new":
                    done_at = _utc(datetime.datetime.combine(due + datetime.timedelta(days=rnd.choice((-1, 0, 1))),
                                                             datetime.time(15), tzinfo=tz))
                rows.append({"created_at": stamp, "updated_at": stamp, "kind": "other", "title": f"Задача {i}",
                             "complexity": 1, "due_on": due, "office_id": office_of[person.pk],
                             "assignee_id": None if i % 20 == 0 else person.pk, "status": status,
                             "done_at": done_at, "record_type": "contracts.contract",
                             "record_id": str(contract_ids[i % len(contract_ids)]), "postponements": 0})
            _with_ids(loader, Task, rows)
        log(f"  {args.tasks:,} tasks in {time.perf_counter() - started:.0f} s")

        lead_type = LeadType.objects.order_by("pk").first().pk
        new_status = LeadStatus.objects.get(code="new").pk
        in_work = LeadStatus.objects.exclude(code="new").order_by("order").first().pk
        lead_ids = loader.take_ids(Lead, args.leads)
        leads, assignments, status_logs, calls = [], [], [], []
        for n, lead_id in enumerate(lead_ids):
            operator = operators[n % len(operators)]
            assigned = now - datetime.timedelta(minutes=rnd.randint(60, 30 * 24 * 60))
            leads.append({"id": lead_id, "created_at": _utc(assigned), "updated_at": _utc(assigned),
                          "phone": f"+7988{n:07d}", "name": f"Лид {n}", "office_id": office_of[operator.pk],
                          "assigned_to_id": operator.pk, "type_id": lead_type, "status_id": new_status,
                          "contacts_count": 1})
            assignments.append({"lead_id": lead_id, "at": _utc(assigned), "office_id": office_of[operator.pk],
                                "assigned_to_id": operator.pk, "reason": "auto"})
            if n % 3:  # two in three are taken in 1–40 minutes
                taken = assigned + datetime.timedelta(minutes=rnd.randint(1, 40))
                status_logs.append({"lead_id": lead_id, "at": _utc(taken), "from_status_id": new_status,
                                    "to_status_id": in_work})
            due = now + datetime.timedelta(hours=rnd.randint(-30 * 24, 10 * 24))
            fate = n % 4
            done = None if fate == 0 else _utc(due + datetime.timedelta(minutes=30 if fate < 3 else 300))
            calls.append({"created_at": _utc(assigned), "updated_at": _utc(assigned), "lead_id": lead_id,
                          "due_at": _utc(due), "assignee_id": operator.pk, "done_at": done,
                          "result": "reached" if done else ""})
        _with_ids(loader, Lead, leads)
        _with_ids(loader, AssignmentLog, assignments)
        _with_ids(loader, LeadStatusLog, status_logs)
        _with_ids(loader, PlannedCall, calls)
        complaints = []
        for n in range(args.complaints):
            lawyer = lawyers[n % len(lawyers)]
            assigned = now - datetime.timedelta(hours=rnd.randint(1, 40 * 24))
            closed = _utc(assigned + datetime.timedelta(days=rnd.randint(1, 20))) if n % 2 else None
            complaints.append({"created_at": _utc(assigned), "updated_at": _utc(assigned),
                               "contract_id": contract_ids[n], "source": "phone", "complainant": "Клиент",
                               "text": "Юрист не перезванивает.", "status": "closed" if closed else "in_work",
                               "responsible_id": lawyer.pk, "deadline": today, "assigned_at": _utc(assigned),
                               "closed_at": closed})
        _with_ids(loader, Complaint, complaints)
        log(f"  {args.leads:,} leads with assignments and planned calls, {args.complaints:,} complaints in "
            f"{time.perf_counter() - started:.0f} s")
    finally:
        loader.close()
    with connection.cursor() as cur:
        for model in (Task, Contract, ContractAction, Lead, AssignmentLog, LeadStatusLog, PlannedCall, Complaint):
            cur.execute(f"ANALYZE TABLE `{model._meta.db_table}`")
            cur.fetchall()
    return dict(loader.counts)


class QueryTimer:
    """Time spent in the database driver (the process waits; its CPU time does not include it)."""

    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--contracts", type=int, default=150_000)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--leads", type=int, default=150_000)
    parser.add_argument("--complaints", type=int, default=5_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database of the last run: forget its violations and time the job again")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_violations (a scratch database).")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from unittest import mock

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from legal_crm.core import outbox
    from legal_crm.core.models import AuditLog, EventOutbox
    from legal_crm.messaging.models import Notification
    from legal_crm.quality.models import Violation, ViolationRule
    from legal_crm.quality.violations.jobs import detect_violations

    today = timezone.localdate()
    counts, t_gen = {}, 0.0
    if args.reuse:
        Notification.objects.filter(kind__startswith="quality.violation").delete()
        AuditLog.objects.filter(action="violation.detect").delete()
        EventOutbox.objects.all().delete()
        Violation.objects.all().delete()
        ViolationRule.objects.all().delete()
    else:
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        counts = generate(args, today)
        t_gen = time.perf_counter() - t0
    long_ago = timezone.now() - datetime.timedelta(days=60)
    for kind, params in (("lead_not_taken", {"minutes": 30}), ("call_overdue", {"hours": 2}),
                         ("task_overdue", {}), ("complaint_open", {"days": 10}), ("contract_idle", {"days": 30})):
        rule = ViolationRule.objects.create(name=kind, kind=kind, params=params)
        ViolationRule.objects.filter(pk=rule.pk).update(created_at=long_ago)

    def timed(label, fn):
        timer = QueryTimer()
        wall, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timer):
            result = fn()
        runs.append((label, result, time.perf_counter() - wall, time.process_time() - cpu, timer.seconds,
                     timer.count))

    runs = []
    # The job as beat runs it: its events are stored for the worker's relay (in the tests' settings the relay would
    # run in-process after each commit, inside the job's time) — the relay is timed on its own after it.
    with mock.patch.object(outbox, "request_relay", lambda: None):
        timed("the job, first run (3 days back)", detect_violations)
        timed("the job, second run (nothing new)", detect_violations)
    timed("the worker's relay: notifications of the new violations", outbox.relay)
    by_rule = {name: Violation.objects.filter(rule__name=name).count()
               for name in ViolationRule.objects.values_list("name", flat=True)}

    load = os.getloadavg()
    print(f"\nMariaDB {connection.mysql_server_info}, Python {platform.python_version()}, {os.cpu_count()} CPU; "
          f"{datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC; load average {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f}; data generated in {t_gen:.0f} s" if t_gen else f"{load[2]:.1f}; the last run's data")
    print(f"Rows: {', '.join(f'{table} {n:,}' for table, n in sorted(counts.items()))}")
    print("\n| run | rows (violations / outbox rows) | wall, s | CPU of the process, s | database, s (queries) |")
    print("|---|---:|---:|---:|---:|")
    for label, created, wall, cpu, db, queries in runs:
        print(f"| {label} | {created:,} | {wall:.1f} | {cpu:.1f} | {db:.1f} ({queries}) |")
    print("\nBy rule: " + ", ".join(f"{name} {n:,}" for name, n in by_rule.items()))


if __name__ == "__main__":
    main()
