"""Benchmark: the call log of 3,000,000 calls (issue 13).

    DATABASE_URL=mysql://root@127.0.0.1:3306/lcrm_bench_telephony \
        .venv/bin/python bench/run.py telephony [--calls 3000000] [--offices 200] [--runs 50]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates, generates offices, employees and calls (90 days, bulk inserts), then times:
1. the call log filtered by employee and period, as the desk's list asks it (first page, newest first), by an
   administrator and by an office-scoped head of office — target ≤ 300 ms p95;
2. the call statistics report of one month by office (200 offices) — target ≤ 2 s;
3. an incoming-call event applied (ringing, then the extension) until the employee's pop-up feed returns it —
   the server's part of "≤ 1 s to the screen" (the desk asks the feed every 2 s).
Prints a Markdown table for bench/RESULTS.md.
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
CHUNK = 10_000


def generate(n_calls: int, n_offices: int, now: datetime.datetime) -> tuple[list, list]:
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
    made = 0
    while made < n_calls:
        rows = []
        for _ in range(min(CHUNK, n_calls - made)):
            emp = employees[rnd.randrange(len(employees))]
            started = now - datetime.timedelta(seconds=rnd.randrange(span))
            direction = "in" if rnd.random() < 0.6 else "out"
            answered = rnd.random() < 0.75
            talk = rnd.randrange(20, 900) if answered else 0
            rows.append(Call(office_id=emp.main_office_id, direction=direction, employee_id=emp.pk,
                             extension=emp.extension, client_phone=f"+7916{rnd.randrange(10**7):07d}",
                             state="ended", result="answered" if answered else "missed", started_at=started,
                             answered_at=started + datetime.timedelta(seconds=10) if answered else None,
                             ended_at=started + datetime.timedelta(seconds=10 + talk), duration=talk))
        Call.objects.bulk_create(rows, batch_size=CHUNK)
        made += len(rows)
    return offices, employees


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)]


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
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from legal_crm.core.models import User
    from legal_crm.org.models import Employee, Office
    from legal_crm.telephony.adapters.base import RINGING, CallEvent
    from legal_crm.telephony.models import Call, SipAccount
    from legal_crm.telephony.selectors import call_list_visible_to, call_stats

    now = timezone.now().replace(microsecond=0)
    t0 = time.perf_counter()
    if args.reuse:
        offices = list(Office.objects.filter(code__startswith="b").order_by("code"))
        employees = list(Employee.objects.filter(user__username__startswith="op").order_by("pk"))
        User.objects.filter(username__startswith="bench-").delete()
        Call.objects.filter(provider_id__startswith="bench-").delete()
        latest = Call.objects.order_by("-started_at").values_list("started_at", flat=True).first()
        now = max(now, latest or now)
        args.calls, args.offices = Call.objects.count(), len(offices)
    else:
        call_command("migrate", verbosity=0)
        offices, employees = generate(args.calls, args.offices, now)
    t_gen = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE TABLE telephony_call")
    admin = User.objects.create_superuser("bench-admin", password="x")
    from django.contrib.auth.models import Group

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
            list(qs.order_by("-started_at", "-id")[:50])
        return run

    results = []
    for label, user, scoped in (("administrator (all offices)", admin, False), ("head of one office", head, True)):
        p50, p95 = timed(log_page(user, scoped), args.runs)
        results.append((f"call log: one employee, 30 days, first page — {label}", args.runs, p50, p95, "≤ 300 ms p95",
                        p95 <= 300))
    month_from = (now - datetime.timedelta(days=30)).date()

    def stats():
        call_stats(admin, date_from=month_from, date_to=now.date(), by="office", tz=datetime.UTC)
    runs = max(5, args.runs // 10)
    p50, p95 = timed(stats, runs)
    results.append((f"statistics: one month by office ({args.offices} offices)", runs, p50, p95, "≤ 2 s", p95 <= 2000))

    # Incoming call: the PBX event applied, then the pop-up feed of the employee whose extension rings.
    from legal_crm.telephony.services import call_event_apply

    listener_user = employees[0].user
    listener_user.is_superuser = listener_user.is_staff = True
    listener_user.set_password("x")
    listener_user.save()
    SipAccount.objects.create(employee=employees[0], extension="9001")
    client = Client()
    client.force_login(listener_user)
    counter = iter(range(10**6))

    def incoming():
        pid = f"bench-{next(counter)}"
        at = timezone.now()
        call_event_apply(pbx=None, event=CallEvent(kind=RINGING, provider_id=pid, at=at, direction="in",
                                                   from_number="+79160000000", to_number="74950000000"))
        call_event_apply(pbx=None, event=CallEvent(kind=RINGING, provider_id=pid, at=at, extension="9001"))
        feed = client.get("/admin/telephony/call/live/").json()["calls"]
        assert any(c["direction"] == "in" for c in feed)
        # (untimed bookkeeping would be better; by the unique (pbx, provider_id) index it costs a lookup)
        Call.objects.filter(pbx=None, provider_id=pid).update(state="ended", result="missed")
    p50, p95 = timed(incoming, args.runs)
    results.append(("incoming call: event applied → in the pop-up feed (server part)", args.runs, p50, p95,
                    "≤ 1 s p95 with the 2 s poll: see note", p95 <= 1000))

    version = connection.cursor().connection.get_server_info()
    print(f"Data: {args.calls:,} calls over {DAYS} days, {args.offices} offices, {len(employees):,} employees; "
          + ("reused." if args.reuse else f"generated in {t_gen:.0f} s."))
    print()
    print("| measurement | runs | p50 | p95 | target | met |")
    print("|---|---:|---:|---:|---|---|")
    for label, runs_, p50, p95, target, met in results:
        print(f"| {label} | {runs_} | {p50:.0f} ms | {p95:.0f} ms | {target} | {'yes' if met else 'no'} |")
    print()
    print(f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
          f"{datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC.")
