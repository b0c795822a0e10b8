"""A gunicorn worker's resident memory (issue #17 §5: ≤ 150 MiB after the benchmark), and what holds it.

    .venv/bin/python bench/run.py memory [--requests 400] [--sqlite PATH] [--reseed]
    DATABASE_URL=mysql://… REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/run.py memory

1. The database: DATABASE_URL when given (already migrated and holding the demo data or more), otherwise a SQLite
   file (--sqlite, default /tmp/legal-crm-memory-bench.sqlite3) migrated and filled by `seed_demo` when missing.
2. gunicorn with production settings, --workers × --threads (2 × 4, as deployed); the workers' VmRSS once their
   start-up has settled.
3. --clients desk sessions logged in as the demo administrator make --requests requests in all over the main
   desk pages (home, lead list, lead card, lead change page, contract list, contract card, counterparties) and
   the partners' lead intake (POST /api/v1/leads/); then the workers' VmRSS again.
4. What start-up imports: a child process with the same settings runs what a worker runs before serving
   (django.setup(), legal_crm.wsgi) and charges the resident memory each module's import added, without its own
   nested imports, to its top-level package.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]

from bench_leads import HttpSession, free_port, rss_mib, start_gunicorn, stop, worker_pids  # noqa: E402

DEFAULT_SQLITE = Path(tempfile.gettempdir()) / "legal-crm-memory-bench.sqlite3"
ADMIN = ("admin", "demo")  # org/demo.py
PARTNER_TOKEN = "demo-lidpro-token-0000000000000000000001"  # marketing/demo.py
TARGET_MIB = 150


def server_env(database_url: str, redis_url: str) -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "legal_crm.settings.production", "SECRET_KEY": "bench-only",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "DATABASE_URL": database_url,
            "REDIS_URL": redis_url, "PYTHONPATH": f"{ROOT / 'apps'}:{ROOT}"}


def prepare_sqlite(path: Path, env: dict, reseed: bool) -> None:
    if path.exists() and not reseed:
        return
    path.unlink(missing_ok=True)
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], env=env, cwd=str(ROOT), check=True,
                       stdout=subprocess.DEVNULL)


def settled_rss(master_pid: int, workers: int, timeout: float = 180) -> dict[int, float]:
    """The workers' RSS once all of them are up and their RSS has not moved for 2 s (each loads the application
    after the fork, after the master already listens)."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        pids = worker_pids(master_pid)
        now = {pid: rss_mib(pid) for pid in pids} if len(pids) == workers else None
        if now != last:
            last, since = now, time.monotonic()
        elif now and time.monotonic() - since >= 2:
            return now
        time.sleep(0.25)
    raise RuntimeError("gunicorn workers did not settle")


class Session(HttpSession):
    """One connection per request: gunicorn's workers compete for each accept, so both of them serve (over kept-alive
    connections one worker tends to take every client)."""

    def request(self, method: str, path: str, body=None, headers=None):
        return super().request(method, path, body, {**(headers or {}), "Connection": "close"})


def desk_paths(session: Session) -> list[str]:
    """The main desk pages, with a lead and a contract taken from their lists."""
    paths = ["/admin/", "/admin/leads/lead/", "/admin/contracts/contract/", "/admin/directory/counterparty/"]
    for listing, pattern, suffixes in (("/admin/leads/lead/", r'href="/admin/leads/lead/(\d+)/', ("card/", "change/")),
                                       ("/admin/contracts/contract/", r'href="/admin/contracts/contract/(\d+)/',
                                        ("change/",))):
        found = re.search(pattern, session.get(listing)[1].decode())
        if found:
            paths += [f"{listing}{found.group(1)}/{suffix}" for suffix in suffixes]
    return paths


def intake_body(i: int, tag: str) -> bytes:
    return json.dumps({"phone": f"+7916{int(tag) * 1000 + i:07d}"[-12:], "name": f"Память {i}",
                       "comment": "Долг 700 тыс., три банка", "utm_source": "bench-memory", "utm_campaign": tag,
                       "external_id": f"memory-{tag}-{i}", "consent_personal_data": True}).encode()


def run_requests(port: int, total: int, clients: int) -> dict:
    """`total` requests from `clients` logged-in sessions (so both workers get connections): each session walks the
    desk pages in turn and every fourth request is a lead sent to the intake API."""
    sessions = [Session(port, *ADMIN) for _ in range(clients)]
    paths = desk_paths(sessions[0])
    codes: dict[str, dict[int, int]] = {}
    counter = itertools.count()
    tag = f"{int(time.time()) % 1000:03d}"
    lock = threading.Lock()

    def work(session: Session) -> None:
        while (i := next(counter)) < total:
            if i % 4 == 3:
                label = "POST /api/v1/leads/"
                status, _body = session.request("POST", "/api/v1/leads/", intake_body(i, tag),
                                                {"Authorization": f"Token {PARTNER_TOKEN}",
                                                 "Content-Type": "application/json"})
            else:
                label = paths[i % len(paths)]
                status, _body = session.get(label)
            with lock:
                by_code = codes.setdefault(re.sub(r"/\d+/", "/<id>/", label), {})
                by_code[status] = by_code.get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


# The child that charges start-up's resident memory to the packages imported (run with the server's environment).
IMPORT_PROFILE = r'''
import importlib.abc, json, re, sys

def rss():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1)) / 1024

totals, firsts, stack = {}, {}, []

class Metered:
    def __init__(self, loader, top):
        self._loader, self._top = loader, top
    def __getattr__(self, name):
        return getattr(self._loader, name)
    def _measure(self, call):
        before = rss()
        stack.append(0.0)
        try:
            return call()
        finally:
            nested = stack.pop()
            grown = rss() - before
            totals[self._top] = totals.get(self._top, 0.0) + grown - nested
            if stack:
                stack[-1] += grown
    def create_module(self, spec):
        create = getattr(self._loader, "create_module", None)
        return self._measure(lambda: create(spec)) if create else None
    def exec_module(self, module):
        return self._measure(lambda: self._loader.exec_module(module))

class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                top = ".".join(name.split(".")[:2]) if name.startswith("legal_crm.") else name.partition(".")[0]
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = Metered(spec.loader, top)
                if top not in firsts:
                    caller = sys._getframe(1)
                    while caller and ("importlib" in caller.f_code.co_filename or caller.f_code.co_filename.startswith("<")):
                        caller = caller.f_back
                    firsts[top] = caller.f_code.co_filename.split("site-packages/")[-1].split("/apps/")[-1] if caller else "?"
                return spec
        return None

sys.meta_path.insert(0, Finder())
start = rss()
from legal_crm.wsgi import application  # noqa: F401  what a worker runs before its first request
print(json.dumps({"start": start, "end": rss(), "packages": totals, "first_by": firsts}))
'''


def import_profile(env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", IMPORT_PROFILE], env=env, cwd=str(ROOT), capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_line() -> str:
    load = os.getloadavg()
    now = datetime.datetime.now(datetime.UTC).strftime("%d.%m.%Y %H:%M UTC")
    return f"{now}, {os.cpu_count()} CPU, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench/run.py memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="in all (each worker serves about half)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_SQLITE, help="without DATABASE_URL")
    parser.add_argument("--reseed", action="store_true", help="build the SQLite demo database anew")
    parser.add_argument("--top", type=int, default=15, help="packages listed by import size")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.sqlite.resolve()}"
    env = server_env(database_url, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"))
    if not os.environ.get("DATABASE_URL"):
        prepare_sqlite(args.sqlite, env, args.reseed)
    print(f"Machine: {machine_line()}. Database: {database_url.split('@')[-1]}.")

    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads, env=env, cwd=ROOT, wait_s=60)
    try:
        started = settled_rss(server.pid, args.workers)
        t0 = time.perf_counter()
        codes = run_requests(port, args.requests, args.clients)
        elapsed = time.perf_counter() - t0
        after = {pid: rss_mib(pid) for pid in worker_pids(server.pid)}
    finally:
        stop(server)
    profile = import_profile(env)

    print(f"\n### gunicorn worker RSS ({args.workers} workers × {args.threads} threads, production settings)\n")
    print("| worker | after start-up, MiB | after the requests, MiB | target | met |")
    print("|---|---|---|---|---|")
    for n, pid in enumerate(sorted(started), 1):
        rss = after.get(pid, float("nan"))
        print(f"| {n} | {started[pid]:.1f} | {rss:.1f} | ≤ {TARGET_MIB} | {'yes' if rss <= TARGET_MIB else 'no'} |")
    print(f"\n{args.requests} requests from {args.clients} sessions in {elapsed:.1f} s; answers by path:")
    for path, by_code in sorted(codes.items()):
        print(f"- {path}: " + ", ".join(f"{code} × {n}" for code, n in sorted(by_code.items())))

    print(f"\n### What start-up imports (django.setup() and legal_crm.wsgi in one process: "
          f"{profile['start']:.1f} → {profile['end']:.1f} MiB)\n")
    print("| package | RSS added by its modules, MiB | first imported by |")
    print("|---|---|---|")
    ranked = sorted(profile["packages"].items(), key=lambda kv: -kv[1])
    for package, mib in ranked[:args.top]:
        print(f"| {package} | {mib:.1f} | {profile['first_by'].get(package, '?')} |")
    rest = sum(mib for _package, mib in ranked[args.top:])
    print(f"| {len(ranked) - args.top} more packages | {rest:.1f} | |")


if __name__ == "__main__":
    main(sys.argv[1:])
