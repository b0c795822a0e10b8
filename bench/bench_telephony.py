"""Benchmark: the call log of 3,000,000 calls (issue 13).

    DATABASE_URL=mysql://root@127.0.0.1:3306/lcrm_bench_telephony REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/run.py telephony [--calls 3000000] [--offices 200] [--runs 50]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates, generates offices, employees and calls (90 days) with multi-row INSERTs (generate_contracts.Loader,
secondary indexes built after the load), rebuilds the daily call summary day by day with the nightly job's service,
then times:
1. the call log filtered by employee and period, as the desk's list asks it (the paginator's count and the first
   page, newest first), by an administrator and by an office-scoped head of office — target ≤ 300 ms p95; and
   searched by the last 7 (or 4) digits of a client's number through the calls' phone parts — ≤ 50 ms p95;
2. the call statistics report of one month by office (200 offices) — target ≤ 2 s;
3. an incoming call on the fake AMI server (tests/fakes/ami.py): Newchannel and DialBegin pushed over TCP, read by
   the real AmiListener, applied by the call-record service, until the employee's long-polling pop-up request
   answers with it — target ≤ 1 s p95 (the browser's part, drawing the pop-up, is not in it).
Prints a Markdown table for bench/RESULTS.md, with the process's CPU time and the database's time per measurement.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")

from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path

DAYS = 90
CHUNK = 50_000  # calls built and inserted per round


def generate(n_calls: int, n_offices: int, now: datetime.datetime, log=print) -> tuple[list, list]:
    from django.db import connection
    from generate_contracts import Loader

    from legal_crm.core.models import User
    from legal_crm.org.models import Employee, Office
    from legal_crm.telephony.models import Call

    offices = Office.objects.bulk_create([Office(name=f"Офис {i:03d}", code=f"b{i:03d}", city="Москва",
                                                 address="ул. Тестовая") for i in range(n_offices)])
    users = User.objects.bulk_create([User(username=f"op{i:05d}", last_name=f"Оператор{i:05d}", first_name="Анна")
                                      for i in range(n_offices * 10)], batch_size=5000)
    employees = Employee.objects.bulk_create([Employee(user=u, main_office=offices[i // 10], extension=f"{100 + i}")
                                              for i, u in enumerate(users)], batch_size=5000)
    through = Employee.offices.through
    through.objects.bulk_create([through(employee_id=e.pk, office_id=e.main_office_id) for e in employees],
                                batch_size=5000)
    rnd = random.Random(13)
    span = DAYS * 86400
    loader = Loader(connection)
    loader.defer_indexes([Call])
    made = 0
    while made < n_calls:
        rows = []
        ids = iter(loader.take_ids(Call, min(CHUNK, n_calls - made)))
        for _ in range(min(CHUNK, n_calls - made)):
            emp = employees[rnd.randrange(len(employees))]
            started = now - datetime.timedelta(seconds=rnd.randrange(span))
            direction = "in" if rnd.random() < 0.6 else "out"
            answered = rnd.random() < 0.75
            talk = rnd.randrange(20, 900) if answered else 0
            rows.append({"id": next(ids), "office_id": emp.main_office_id, "direction": direction, "employee_id": emp.pk,
                         "extension": emp.extension, "client_phone": f"+7916{rnd.randrange(10**7):07d}",
                         "state": "ended", "result": "answered" if answered else "missed", "started_at": started,
                         "answered_at": started + datetime.timedelta(seconds=10) if answered else None,
                         "ended_at": started + datetime.timedelta(seconds=10 + talk), "duration": talk,
                         "wait_seconds": 10 if answered else 30})
        loader.insert(Call, rows)
        made += len(rows)
        log(f"  calls: {made:,}")
    loader.restore_indexes(log)
    loader.close()
    t0 = time.perf_counter()
    parts = fill_phone_parts()
    log(f"  phone parts: {parts:,} rows in {time.perf_counter() - t0:.0f} s")
    return offices, employees


def fill_phone_parts() -> int:
    """The calls' phone parts, as the migration's backfill writes them for the calls logged before it."""
    from django.db import connection

    from legal_crm.core.phone_parts import backfill_parts

    return backfill_parts(connection, part_table="telephony_callphonepart", owner_table="telephony_call",
                          owner_column="call_id", phone_column="client_phone")


def rebuild_summary(now: datetime.datetime) -> float:
    """The daily summary of every generated day, by the nightly job's service (the service counts calls as they
    end; bulk-loaded calls did not end through it). Returns the seconds it took."""
    from legal_crm.telephony.services_summary import summary_rebuild, summary_zone

    t0 = time.perf_counter()
    last = now.astimezone(summary_zone()).date()
    for back in range(DAYS + 1):
        summary_rebuild(last - datetime.timedelta(days=back))
    return time.perf_counter() - t0


class SqlClock:
    """Time spent in the database by this thread's connection (connection.execute_wrapper): with the machine shared,
    the wall time alone says little."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0


def timed(fn, runs: int) -> tuple[float, float, float, float]:
    """p50 and p95 of the wall time, and per run the process's CPU time and the SQL time, all in ms."""
    from django.db import connection

    times, clock = [], SqlClock()
    cpu0 = time.process_time()
    with connection.execute_wrapper(clock):
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / runs
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], cpu, clock.seconds * 1000 / runs


def popup_latency(employee, runs: int) -> tuple[float, float, float]:
    """Incoming calls on the fake AMI server → the employee's long-polling pop-up request. Returns p50, p95 and the
    process's CPU ms per call (the listener, the service, the request and the fake server are all this process)."""
    import threading

    from django.db import close_old_connections
    from django.test import Client

    from legal_crm.telephony.adapters.asterisk import AmiListener
    from legal_crm.telephony.models import Call, Pbx, SipAccount
    from legal_crm.telephony.selectors import live_version
    from legal_crm.telephony.services import call_event_apply
    from legal_crm.telephony.tests.fakes.ami import FakeAmi

    fake = FakeAmi().start()
    pbx = Pbx.objects.create(kind="asterisk", name="bench AMI", host="127.0.0.1", port=fake.port, login="crm",
                             secret="ami-secret")
    SipAccount.objects.create(employee=employee, pbx=pbx, extension="9001")
    user = employee.user
    user.is_superuser = user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    stop = threading.Event()

    def on_event(event):
        close_old_connections()
        call_event_apply(pbx=pbx, event=event)

    listener = threading.Thread(target=AmiListener(pbx, on_event, timeout=0.5).run, args=(stop,), daemon=True)
    listener.start()
    assert fake.listening.wait(10), "the listener did not connect to the fake AMI"
    client.get("/admin/telephony/call/live/")  # starts the version
    times = []
    cpu0 = time.process_time()
    for n in range(runs):
        linked = f"1764684000.{n}"
        since = live_version(employee.pk)
        answer: dict = {}

        def wait_for_popup(since=since, answer=answer):
            data = client.get("/admin/telephony/call/live/", {"since": since, "wait": "10"}).json()
            answer["at"], answer["calls"], answer["version"] = time.perf_counter(), data["calls"], data["version"]
            close_old_connections()

        def rang(answer=answer) -> bool:
            return any(c["direction"] == "in" for c in answer.get("calls", []))

        waiter = threading.Thread(target=wait_for_popup)
        waiter.start()
        time.sleep(0.05)  # let the request start waiting, as the desk's would be
        pushed = time.perf_counter()
        fake.push({"Event": "Newchannel", "Channel": "PJSIP/trunk-1", "CallerIDNum": f"8916{n:07d}",
                   "Exten": "74950000000", "Uniqueid": linked, "Linkedid": linked})
        fake.push({"Event": "DialBegin", "DestChannel": "PJSIP/9001-2", "DestCallerIDNum": "9001",
                   "Uniqueid": linked, "Linkedid": linked})
        waiter.join(15)
        while not rang() and time.perf_counter() - pushed < 30:  # woken by an earlier change: wait on, as the desk
            wait_for_popup(answer.get("version") or since)
        assert rang(), f"the pop-up did not get the call: {answer}"
        times.append((answer["at"] - pushed) * 1000)
        fake.push({"Event": "Hangup", "Uniqueid": linked, "Linkedid": linked, "Cause": "16"})
        deadline = time.monotonic() + 10
        while Call.objects.filter(pbx=pbx, provider_id=linked).exclude(state="ended").exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the hang-up was not applied")
            time.sleep(0.02)
    cpu = (time.process_time() - cpu0) * 1000 / runs
    stop.set()
    fake.stop()
    listener.join(5)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], cpu


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=3_000_000)
    parser.add_argument("--offices", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="time again on the data already generated")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/lcrm_bench_telephony (a scratch database).")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from legal_crm.core.models import User
    from legal_crm.org.models import Employee, Office
    from legal_crm.telephony.models import Call, CallDaySummary, Pbx
    from legal_crm.telephony.selectors import call_list_visible_to, call_stats, filter_calls_by_phone

    now = timezone.now().replace(microsecond=0)
    t0 = time.perf_counter()
    if args.reuse:
        offices = list(Office.objects.filter(code__startswith="b").order_by("code"))
        employees = list(Employee.objects.filter(user__username__startswith="op").order_by("pk"))
        User.objects.filter(username__startswith="bench-").delete()
        Pbx.objects.filter(name="bench AMI").delete()  # its calls go with it (their pbx is set to NULL): delete them
        Call.objects.filter(pbx__isnull=True, provider_id__startswith="1764684000.").delete()
        latest = Call.objects.order_by("-started_at").values_list("started_at", flat=True).first()
        now = max(now, latest or now)
        args.calls, args.offices = Call.objects.count(), len(offices)
        call_command("migrate", verbosity=0)  # a database generated before the phone parts gets them here
    else:
        call_command("migrate", verbosity=0)
        offices, employees = generate(args.calls, args.offices, now)
    t_gen = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE TABLE telephony_call")
    t_summary = rebuild_summary(now)
    summary_rows = CallDaySummary.objects.count()
    admin = User.objects.create_superuser("bench-admin", password="x")
    head = User.objects.create_user("bench-head", password="x")
    head.groups.add(Group.objects.get(name="Руководители офисов"))
    Employee.objects.create(user=head, main_office=offices[0]).offices.add(offices[0])
    rnd = random.Random(7)

    def log_page(user, office_scoped: bool):
        def run():
            emp = employees[rnd.randrange(10)] if office_scoped else employees[rnd.randrange(len(employees))]
            start = now - datetime.timedelta(days=rnd.randrange(0, DAYS - 30))
            qs = call_list_visible_to(user).filter(employee_id=emp.pk, started_at__gte=start,
                                                   started_at__lt=start + datetime.timedelta(days=30))
            qs.count()  # the list's paginator
            list(qs.order_by("-started_at", "-id")[:100])
        return run

    results = []
    for label, user, scoped in (("administrator (all offices)", admin, False), ("head of one office", head, True)):
        p50, p95, cpu, sql = timed(log_page(user, scoped), args.runs)
        results.append((f"call log: one employee, 30 days, count + first page — {label}", args.runs, p50, p95, cpu,
                        sql, "≤ 300 ms p95", p95 <= 300))
    def phone_search(user, office_scoped: bool, digits: int):
        # The desk's call log searched by the last `digits` digits of a logged client's number (selectors'
        # filter_calls_by_phone, as CallAdmin.get_search_results runs it): the paginator's count and the first page.
        numbers = list(Call.objects.filter(office__in=offices[:1] if office_scoped else offices)
                       .order_by("?").values_list("client_phone", flat=True)[:args.runs + 1])

        def run():
            qs = filter_calls_by_phone(call_list_visible_to(user), numbers.pop()[-digits:])
            assert qs.count() >= (1 if digits >= 7 else 0)
            list(qs.order_by("-started_at", "-id")[:100])
        return run

    for digits, label, user, scoped in ((7, "administrator (all offices)", admin, False),
                                        (7, "head of one office", head, True),
                                        (4, "head of one office", head, True)):
        p50, p95, cpu, sql = timed(phone_search(user, scoped, digits), args.runs)
        results.append((f"call log: search by the last {digits} digits of the client's number, count + first page "
                        f"— {label}", args.runs, p50, p95, cpu, sql, "≤ 50 ms p95", p95 <= 50))
    month_to = now.date()
    month_from = month_to - datetime.timedelta(days=30)

    def stats():
        call_stats(admin, date_from=month_from, date_to=month_to, by="office")
    p50, p95, cpu, sql = timed(stats, args.runs)
    results.append((f"statistics: one month by office ({args.offices} offices), from the daily summary", args.runs,
                    p50, p95, cpu, sql, "≤ 2 s p95", p95 <= 2000))

    p50, p95, cpu = popup_latency(employees[0], args.runs)
    results.append(("incoming call: fake AMI event → AmiListener → service → long-polling pop-up answers",
                    args.runs, p50, p95, cpu, None, "≤ 1 s p95", p95 <= 1000))

    version = connection.cursor().connection.get_server_info()
    print(f"Data: {args.calls:,} calls over {DAYS} days, {args.offices} offices, {len(employees):,} employees; "
          + ("reused" if args.reuse else f"generated in {t_gen:.0f} s")
          + f"; daily summary rebuilt in {t_summary:.0f} s ({summary_rows:,} rows).")
    print()
    print("| measurement | runs | p50 | p95 | CPU / run | SQL / run | target | met |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for label, runs_, p50, p95, cpu, sql, target, met in results:
        sql_text = f"{sql:.0f} ms" if sql is not None else "—"
        print(f"| {label} | {runs_} | {p50:.0f} ms | {p95:.0f} ms | {cpu:.0f} ms | {sql_text} | {target} | "
              f"{'yes' if met else 'no'} |")
    print()
    print(f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC.")
