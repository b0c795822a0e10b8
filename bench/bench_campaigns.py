"""Benchmark: campaigns and the messaging outbox (issue 12, «Performance»).

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_campaigns REDIS_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python bench/run.py campaigns [--recipients 100000] [--send 5000]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
1. queue: a campaign to `--recipients` leads (all consenting, 10 offices in different time zones) is started
   (recipients frozen, every text rendered for the planned cost) and the dispatcher job renders and queues every
   message into the outbox (target: render + queue ≤ 20 s);
2. send: `--send` SMS go from the outbox to the local fake SMS.ru through two real Celery worker processes
   (Redis broker; target ≥ 200 messages/s);
The SMS log over 3,000,000 messages has its own benchmark: bench/bench_sms_log.py (`python bench/run.py smslog`).
Prints a Markdown section and writes it into bench/RESULTS.md (`--no-write`: print only).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "apps"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")
os.environ["CELERY_EAGER"] = "0"  # the outbox asks real workers, as in production

from scratch_db import recreate_database  # noqa: E402 - bench/ is on sys.path

ZONES = ["Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
         "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok", "Asia/Kamchatka"]


def proc_cpu(pid: int | str = "self") -> float:
    """User + system CPU seconds of a process (all its threads) from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mariadb_cpu() -> float | None:
    """The database server's CPU seconds so far (shared with every other client of the server: an upper bound)."""
    try:
        pid = subprocess.check_output(["pidof", "mariadbd"], text=True).split()[0]
        return proc_cpu(pid)
    except (OSError, subprocess.CalledProcessError, IndexError):
        return None


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _cpu(seconds: float | None) -> str:
    return "CPU n/a" if seconds is None else f"server CPU {seconds:.1f} s (all its clients)"


def make_offices():
    from legal_crm.org.models import Office

    return [Office.objects.create(name=f"Офис {i}", code=f"bench{i}", city="Город", address="ул. Тестовая, 1",
                                  phone="+73430000000", time_zone=zone) for i, zone in enumerate(ZONES)]


def make_leads(n: int, offices) -> None:
    from legal_crm.leads.models import Lead
    from legal_crm.leads.tests.factories import lead_type, status

    new, online = status("new"), lead_type("online")
    names = ["Анна Петровна", "Борис Игоревич", "Вера Сергеевна", "Глеб Андреевич", "Дарья Олеговна"]
    Lead.objects.bulk_create(
        [Lead(phone=f"+7900{i:07d}", name=names[i % len(names)], office=offices[i % len(offices)], type=online,
              status=new, consent_personal_data=True, consent_ads=True) for i in range(n)], batch_size=5000)


def bench_queue(n: int, admin, offices) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legal_crm.campaigns import dispatch, services
    from legal_crm.campaigns.models import Campaign, CampaignRecipient
    from legal_crm.messaging import outbox
    from legal_crm.messaging.models import Message

    t0 = time.perf_counter()
    make_leads(n, offices)
    t_gen = time.perf_counter() - t0
    campaign = services.campaign_save(actor=admin, campaign=Campaign(
        name="Бенчмарк", kind=Campaign.Kind.SMS, weekdays="1234567", hours_from=datetime.time(0, 0),
        hours_to=datetime.time(23, 59),
        text="{first_name}, бесплатная консультация юриста в офисе {office}: {office_address}, {office_phone}."))
    t0 = time.perf_counter()
    services.campaign_start(actor=admin, campaign=campaign)
    t_start = time.perf_counter() - t0
    requested = []
    real_request = outbox.request_send
    outbox.request_send = lambda messages=1: requested.append(messages)  # sending is measured on its own below
    try:
        with CaptureQueriesContext(connection) as queries:
            db0, cpu0 = mariadb_cpu(), time.process_time()
            t0 = time.perf_counter()
            queued = dispatch.dispatch_due(run_seconds=600)
            t_queue = time.perf_counter() - t0
            cpu, db = time.process_time() - cpu0, _delta(db0, mariadb_cpu())
    finally:
        outbox.request_send = real_request
    assert queued == n, queued
    assert Message.objects.filter(subject_id=str(campaign.pk)).count() == n
    assert not CampaignRecipient.objects.filter(campaign=campaign, status="pending").exists()
    sample = Message.objects.filter(subject_id=str(campaign.pk)).order_by("id").first().text
    assert "{" not in sample, sample
    # Out of the way of the next parts: these were for rendering and queueing, not for sending.
    Message.objects.filter(subject_id=str(campaign.pk)).update(status="cancelled")
    return {"n": n, "generate": t_gen, "start": t_start, "queue": t_queue, "queries": len(queries.captured_queries),
            "cpu": cpu, "db_cpu": db, "query_time": sum(float(q["time"]) for q in queries.captured_queries),
            "send_requests": len(requested), "sample": sample}


def start_worker(queue: str) -> subprocess.Popen:
    return subprocess.Popen(
        # The bench's queue and the default one, where a worker's own follow-up runs go (as in production).
        [sys.executable, "-m", "celery", "-A", "legal_crm", "worker", "-Q", f"{queue},celery", "-c", "1", "-P", "solo",
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "WARNING"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": f"{ROOT / 'apps'}:{ROOT}", "CELERY_EAGER": "0"},
        stdout=open(os.environ.get("BENCH_WORKER_LOG", os.devnull), "ab"), stderr=subprocess.STDOUT)


def bench_send(n: int) -> dict:
    from django.db import transaction

    from legal_crm import celery_app
    from legal_crm.messaging import outbox
    from legal_crm.messaging.models import Channel, Message, Provider
    from legal_crm.messaging.services import message_queue_many
    from legal_crm.messaging.tests.fakes.server import FakeSmsRu

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    conf = celery_app.conf
    conf.task_always_eager, conf.broker_url, conf.task_default_queue = False, os.environ["REDIS_URL"], queue
    fake = FakeSmsRu().start()
    Channel.objects.update(is_active=False)  # --reuse: the previous run's fake server is gone
    Message.objects.filter(status__in=["queued", "sending"]).update(status="cancelled")
    Channel.objects.create(office=None, kind="sms", provider=Provider.SMSRU, name="SMS.ru", secret="k-1234",
                           base_url=fake.url, rate_per_minute=1_000_000)
    workers = [start_worker(queue), start_worker(queue)]
    try:
        def queue_messages(count: int, tag: str) -> None:
            with transaction.atomic():
                message_queue_many(actor_or_none=None, channel_kind="sms", subject_type="bench", items=[
                    (f"+7901{i:07d}", f"Сообщение {tag} {i}", None, tag) for i in range(count)])

        def wait_sent(tag: str, count: int, limit: float) -> bool:
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                if Message.objects.filter(subject_id=tag, status="sent").count() >= count:
                    return True
                time.sleep(0.1)
            return False

        warmup, run = f"warmup-{queue}", f"run-{queue}"
        queue_messages(10, warmup)  # the workers are up and connected before the clock starts
        outbox._send_due = 0.0
        assert wait_sent(warmup, 10, 120), "the workers did not start"
        before = len(fake.received)
        outbox._send_due = 0.0
        cpu0 = [proc_cpu(proc.pid) for proc in workers] + [time.process_time()]
        db0, load0 = mariadb_cpu(), os.getloadavg()[0]
        t0 = time.perf_counter()
        queue_messages(n, run)
        done = wait_sent(run, n, 900)
        elapsed = time.perf_counter() - t0
        cpu = [a - b for a, b in zip([proc_cpu(proc.pid) for proc in workers] + [time.process_time()], cpu0,
                                     strict=True)]
        db = _delta(db0, mariadb_cpu())
        received = len(fake.received) - before
        texts = fake.texts()[before:]
        assert done, list(Message.objects.filter(subject_id=run).values_list("status").distinct())
        assert received == n and len(set(texts)) == n, (received, len(set(texts)))  # none lost, none doubled
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        fake.stop()
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue, "celery")
    return {"n": n, "seconds": elapsed, "rate": n / elapsed, "workers_cpu": cpu[0] + cpu[1],
            "bench_cpu": cpu[2], "db_cpu": db, "load": (load0, os.getloadavg()[0]), "threads": outbox.send_threads()}


def write_results(text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    section = re.compile(r"\n## Campaigns and messaging\n.*?(?=\n## |\Z)", re.S)
    if section.search(current):
        current = section.sub(lambda _m: "\n" + text.rstrip() + "\n", current)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(current)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=5_000)
    parser.add_argument("--parts", default="queue,send")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="time again on the previous run's database (a new campaign to the same leads)")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("mysql") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_campaigns (a scratch database) "
                 "and REDIS_URL.")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from legal_crm.core.access_sync import sync_groups
    from legal_crm.core.models import User

    def log(message: str) -> None:
        print(message, flush=True)

    setup_test_environment()
    if args.reuse:
        from legal_crm.org.models import Office

        admin, offices = User.objects.get(username="bench-admin"), list(Office.objects.order_by("id"))
    else:
        call_command("migrate", verbosity=0)
        sync_groups()
        admin = User.objects.create_superuser("bench-admin", "bench@example.ru", "demo")
        offices = make_offices()
    parts = set(args.parts.split(","))
    load = [os.getloadavg()[0]]
    queue = send = None
    if "queue" in parts:
        log(f"queue: {args.recipients:,} recipients…")
        queue = bench_queue(args.recipients, admin, offices)
        log(f"  {queue}")
    if "send" in parts:
        log(f"send: {args.send:,} messages through two workers…")
        send = bench_send(args.send)
        log(f"  {send}")
    load.append(os.getloadavg()[0])

    version = connection.cursor().connection.get_server_info()
    lines = ["## Campaigns and messaging", "",
             "Script: `bench/bench_campaigns.py` (`python bench/run.py campaigns`; a scratch MariaDB database, Redis "
             "for the workers' broker).", "",
             "| measurement | data | result | target | met |", "|---|---|---:|---|---|"]
    if queue:
        total = queue["queue"]
        lines.append(f"| campaign: render and queue every message (dispatcher job) | {queue['n']:,} recipients, "
                     f"10 offices, 4 tags | {total:.1f} s wall; its CPU {queue['cpu']:.1f} s, database "
                     f"{_cpu(queue['db_cpu'])}; {queue['queries']} queries ({queue['query_time']:.1f} s) | ≤ 20 s | "
                     f"{'yes' if total <= 20 else 'no'} |")
        lines.append(f"| campaign start: freeze recipients, render all for the planned cost | same | "
                     f"{queue['start']:.1f} s | — | — |")
    if send:
        per = (send["workers_cpu"] + send["bench_cpu"]) / send["n"] * 1000
        lines.append(f"| outbox to the fake SMS.ru, two Celery workers ({send['threads']} send threads each) | "
                     f"{send['n']:,} SMS | {send['rate']:.0f} messages/s ({send['seconds']:.1f} s); workers' CPU "
                     f"{send['workers_cpu'] / send['n'] * 1000:.2f} ms a message, with the fake server {per:.2f} ms; "
                     f"database {_cpu(send['db_cpu'])} | ≥ 200/s | {'yes' if send['rate'] >= 200 else 'no'} |")
    lines += ["", f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
              f"{datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC, load average {load[0]:.1f} before, "
              f"{load[-1]:.1f} after."]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if not args.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
