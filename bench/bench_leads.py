"""Lead benchmarks on MariaDB, before and after (issue #17): the desk's lead pages, search by any part of a
phone, intake through the real HTTP API with the list benchmark running, and the web workers' memory.

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_leads REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/run.py leads --leads 1000000 [--baseline 49b5a3c]

1. Fills the database to --leads leads with bench/generate_leads.py (kept between runs; --recreate starts over)
   and migrates it with this code.
2. Measures two codes against that database, each in its own processes: the --baseline commit (exported with
   `git archive` to /tmp; "before") and this working tree ("after"), the desk pages of both first and then the
   HTTP part of both, so that each pair is measured minutes apart. Each side:
   - desk pages in-process (Django's test client): the lead list as an operator and as an administrator, with
     filters, phone searches typed several ways (whole, national prefix, the last 7 digits, 5 middle digits, the
     last 4), the lead change page and the lead card — wall p50/p95, CPU per page, SQL statements, page size raw
     and as sent (gzip), and whether the searched lead was found;
   - intake cost in-process: CPU, SQL statements, Redis round trips and (with valgrind) instructions per lead
     (bench/intake_cost.py);
   - gunicorn on 127.0.0.1 with production settings: the same desk pages over HTTP (logged in, gzip accepted),
     then intake with wrk from --clients clients alone and then while one client keeps loading the lead list (p95
     of the list under that load is reported too) — in turn over keep-alive connections and over a connection
     per request, the way nginx reaches gunicorn unless told to keep connections; the share of the cores left idle
     during each run says whether it was bound by the CPU —, then a steady 300 posts a second beside the list in
     each way of connecting (bench/open_loop.py: the latency a steady flow sees, counted from each post's scheduled
     moment), then the workers' resident memory.
Prints Markdown tables and rewrites the "## Leads" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import gzip
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The code measured: this tree, or a --baseline export (the measuring process is started with LCRM_CODE_ROOT).
CODE = Path(os.environ.get("LCRM_CODE_ROOT", str(ROOT)))
sys.path[:0] = [str(CODE / "apps"), str(CODE), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legal_crm.settings.test")

BASELINE = "49b5a3c"  # main before issue #17 (the desk-speed work)
# The intake runs beside the list: where they are kept in a side's measurements → whether each request comes on a
# connection of its own (CLOSE_HEADER), and what the report calls them.
CONNECTIONS = {"runs": (False, "keep-alive connections straight to gunicorn"),
               "runs_per_request": (True, "a connection per request, as nginx opens them to gunicorn by default")}
BUFFER_POOL = 4 * 2**30  # holds the lead tables (1.7 GB at 1M leads) and their indexes
TARGETS = {"intake_rate": 300, "intake_p99_ms": 100, "list_cpu_ms": 60, "list_http_p95_ms": 100,
           "page_http_p95_ms": 80, "page_kb": 150, "search_p95_ms": 50, "rss_mib": 150}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, *, env: dict | None = None, cwd: Path | None = None,
                   wait_s: float = 20) -> subprocess.Popen:
    """gunicorn as deployed (gthread, keep-alive) on 127.0.0.1:`port`, returned once it accepts connections.
    `env`: the server's environment (default: production settings over this side's code); `cwd`: where it runs."""
    if env is None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "legal_crm.settings.production", "SECRET_KEY": "bench-only",
               "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
               "PYTHONPATH": f"{CODE / 'apps'}:{CODE}"}
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "legal_crm.wsgi:application", "-b", f"127.0.0.1:{port}",
           "-w", str(workers), "--threads", str(threads), "-k", "gthread", "--keep-alive", "30",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=str(cwd or CODE), start_new_session=True)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def run_intake(port: int, tokens: list[str], n: int, clients: int, seed: int = 7, per_request: bool = False) -> dict:
    import open_loop  # bench/: the payloads' mix, shared with the steady flow

    run_tag = f"bench-{int(time.time()) % 100000:05d}"
    payloads = [(token, json.dumps(body).encode()) for token, body in open_loop.posts(tokens, n, seed, run_tag)]
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()
    cursor = iter(range(n))
    close_header = CLOSE_HEADER if per_request else {}  # http.client opens the next connection by itself

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local_lat, local_codes = [], {}
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            token, body = payloads[i]
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/leads/", body=body, headers={
                    "Authorization": f"Token {token}", "Content-Type": "application/json", **close_header})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            local_lat.append((time.perf_counter() - t) * 1000)
            local_codes[status] = local_codes.get(status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(local_lat)
            for k, v in local_codes.items():
                codes[k] = codes.get(k, 0) + v

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"n": n, "elapsed": elapsed, "rate": n / elapsed, "p50": pct(latencies, 50), "p95": pct(latencies, 95),
            "p99": pct(latencies, 99), "codes": codes}


def ensure_wrk() -> bool:
    """wrk is there, installed from Debian's packages if this process may (root, apt-get): the Python client it
    replaces takes a share of the same 2 cores, so the figures would not compare with other runs'."""
    if shutil.which("wrk") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk): the intake load comes from Python threads",
              flush=True)
        return False
    return True


def run_intake_wrk(port: int, tokens: list[str], seconds: int, clients: int, per_request: bool = False) -> dict:
    """The same load from wrk (C, Debian package): the client then takes little of the 2 cores it shares
    with gunicorn and MariaDB, so the figures are the server's."""
    script = (ROOT / "bench" / "intake.lua").read_text(encoding="utf-8")
    script = script.replace('"__TOKENS__"', ", ".join(f'"{t}"' for t in tokens))
    script = script.replace("__PER_REQUEST__", "true" if per_request else "false")
    script = script.replace("__RUN_TAG__", f"{int(time.time()) % 100000:05d}")
    path = Path("/tmp") / f"legal-crm-intake-{os.getpid()}.lua"
    path.write_text(script, encoding="utf-8")
    out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "-s", str(path),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True).stdout
    path.unlink()
    result = json.loads(out.split("RESULT ", 1)[1])
    result["rate"] = result["n"] / result["elapsed"]
    result["codes"] = {int(k): v for k, v in result["codes"].items()}
    if result["errors"]:
        result["codes"][0] = result["errors"]
    return result


def run_open_loop(port: int, tokens: list[str], rate: float, seconds: int, per_request: bool = False) -> dict:
    """Posts at a steady `rate` a second (bench/open_loop.py, in a process of its own), each post's latency counted
    from its scheduled moment: what a steady flow sees, where wrk's closed loop gives the ceiling."""
    cmd = [sys.executable, str(ROOT / "bench" / "open_loop.py"), "--port", str(port), "--tokens", ",".join(tokens),
           "--rate", str(rate), "--seconds", str(seconds), *(["--per-request"] if per_request else [])]
    result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    latencies = result.pop("latencies")
    result.update({f"p{p}": pct(latencies, p) for p in (50, 95, 99)}, max=max(latencies, default=float("nan")))
    return result


def desk_targets() -> dict:
    """The leads the pages are measured on — a random generated lead of Moscow (the same for both sides: intake runs
    add leads, so the range is that of the generated ones) and the numbers to search for it."""
    from legal_crm.leads.models import Lead

    rnd = random.Random(11)
    last_id = Lead.objects.filter(utm_campaign="bench").order_by("-id").values_list("id", flat=True).first()
    while True:
        # A generated lead (utm_campaign "bench"), not one an earlier intake run added: the baseline's intake wrote
        # no phone parts for its leads.
        row = (Lead.objects.filter(id__gte=rnd.randrange(1, last_id), office__code="msk", utm_campaign="bench")
               .order_by("id")
               .values_list("id", "phone", "name").first())
        if row:
            break
    pk, phone, name = row
    d = phone[2:]
    card = Lead.objects.filter(office__code="msk", script_enrollments__isnull=False).order_by("-id").values_list(
        "id", flat=True).first() or pk
    searches = [("+7 (916) 123-45-67", f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"), ("8916…", "8" + d),
                ("8 916 123 (начало)", f"8 {d[:3]} {d[3:6]}"), ("7752438 (7 последних цифр)", d[-7:]),
                ("48775 (5 цифр из середины)", d[2:7]), ("2438 (4 последние цифры)", d[-4:])]
    return {"pk": pk, "name": name, "phone": phone, "card": card, "searches": searches}


def run_desk(repeat: int, target: dict) -> list[tuple[str, dict]]:
    import desk_pages
    from django.test import Client
    from django.urls import reverse

    from legal_crm.core.models import User
    from legal_crm.gc_tuning import tune_for_serving

    # No setup_test_environment(): its instrumented template rendering would be counted in the page's CPU.
    tune_for_serving()  # the garbage-collector settings of a web process (legal_crm/wsgi.py)
    op, adm = Client(HTTP_ACCEPT_ENCODING="gzip"), Client(HTTP_ACCEPT_ENCODING="gzip")
    op.session_user = User.objects.get(username="bench-msk-op0")
    op.force_login(op.session_user)
    adm.force_login(User.objects.get(username="bench-admin"))
    lst = "/admin/leads/lead/"
    pages = [("Список лидов, оператор (свой офис), 50 строк", op, lst, None, None),
             ("Список лидов, администратор (все офисы)", adm, lst, None, None),
             ("Список лидов, фильтр статус + период", adm, lst, {"status": "2", "period": "30d"}, None)]
    pages += [(f"Поиск по телефону «{label}»", op, lst, {"q": typed}, target["name"])
              for label, typed in target["searches"]]
    pages += [("API: GET /api/v1/leads/?phone=7 последних цифр", adm, "/api/v1/leads/",
               {"phone": target["phone"][-7:]}, f'"id":{target["pk"]}'),
              ("Лид: страница изменения", op, f"/admin/leads/lead/{target['pk']}/change/", None, None),
              ("Лид: карточка", op, reverse("leads_lead_card", args=[target["card"]]), None, None)]
    results = []
    print("desk…", flush=True)
    for label, client, url, params, expect in pages:
        short = params is not None and len(params.get("q", "")) == 4
        # Four digits match hundreds of the million leads (1 in 10,000 numbers ends in them, more hold them
        # elsewhere): the page is then a full list, newest first, and the lead is found among the matches.
        row = desk_pages.measure(client, url, params, repeat, expect=None if short else expect)
        if short:
            row["found"], row["matches"] = _among_matches(op, params["q"], target["pk"])
        results.append((label, row))
    return results


def _among_matches(client, term: str, pk: int) -> tuple[bool, int]:
    """Whether the desk's search for `term` (the lead admin's own, as the operator) holds lead `pk`, and how many
    leads it matches."""
    from django.contrib import admin
    from django.test import RequestFactory

    from legal_crm.leads.models import Lead

    request = RequestFactory().get("/admin/leads/lead/", {"q": term})
    request.user = client.session_user
    model_admin = admin.site._registry[Lead]
    found, _distinct = model_admin.get_search_results(request, model_admin.get_queryset(request), term)
    ids = list(found.values_list("pk", flat=True)[:100_000])
    return pk in ids, len(ids)


# Asked by a client that opens a connection per request, as nginx does towards gunicorn unless its upstream is
# given `keepalive`: the server closes the connection after the answer and the next request is accepted afresh.
CLOSE_HEADER = {"Connection": "close"}


class HttpSession:
    """A desk user logged in over HTTP to the benchmark's gunicorn (production settings: the session cookie is
    the server's own); `per_request`: a connection per request (CLOSE_HEADER)."""

    def __init__(self, port: int, username: str, password: str, per_request: bool = False):
        self.extra = CLOSE_HEADER if per_request else {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        page = self.get("/admin/login/")[1].decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = f"username={username}&password={password}&csrfmiddlewaretoken={token}&next=/admin/"
        status, _body = self.request("POST", "/admin/login/", body.encode(),
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302 and "sessionid" in self.cookies, ("login failed", status)

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
        headers = {**(headers or {}), **self.extra, "Accept-Encoding": "gzip",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.conn.request(method, path, body=body, headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        self.sent = len(data)  # the bytes as sent (compressed when the server compressed them)
        if resp.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)


def http_logins_ready() -> None:
    """The desk users the HTTP part logs in as: their password hashed with production's hasher (the generator ran
    with the test settings' MD5 hasher, which production does not accept), and no lockout left by an earlier run."""
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from legal_crm.core.models import User

    hashed = PBKDF2PasswordHasher().encode("bench-pass", "benchsalt", iterations=100_000)
    User.objects.filter(username__in=["bench-msk-op0", "bench-admin"]).update(password=hashed)
    AccessAttempt.objects.all().delete()


def http_pages(port: int, target: dict, repeat: int) -> list[tuple[str, dict]]:
    from urllib.parse import urlencode

    op = HttpSession(port, "bench-msk-op0", "bench-pass")
    adm = HttpSession(port, "bench-admin", "bench-pass")
    pages = [("Список лидов, оператор", op, "/admin/leads/lead/"),
             ("Список лидов, администратор", adm, "/admin/leads/lead/"),
             ("Поиск по 7 последним цифрам", op, "/admin/leads/lead/?" + urlencode({"q": target["phone"][-7:]})),
             ("Лид: страница изменения", op, f"/admin/leads/lead/{target['pk']}/change/"),
             ("Лид: карточка", op, f"/admin/leads/lead/{target['card']}/card/")]
    results = []
    for label, session, path in pages:
        session.get(path)
        times, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            status, _body = session.get(path)
            times.append((time.perf_counter() - t) * 1000)
            assert status == 200, (path, status)
            size = session.sent
        results.append((label, {"p50": pct(times, 50), "p95": pct(times, 95), "sent_kb": size / 1024}))
    return results


def connections_per_worker(port: int) -> list[int]:
    """How the open connections to the server are spread over its workers, largest first. A keep-alive connection
    stays with the worker that accepted it, and a worker runs Python on one core at a time (the GIL): a run whose
    connections crowd one worker is slower whatever the code (one run with all nine on one worker: 132/s with a
    third of the CPU idle)."""
    try:
        out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"], capture_output=True,
                             text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(collections.Counter(re.findall(r"pid=(\d+)", out)).values(), reverse=True)


@contextlib.contextmanager
def beside_list(port: int, per_request: bool):
    """The list benchmark running meanwhile (list_load in a thread); yields the list's latencies."""
    stop_event, latencies = threading.Event(), []
    loader = threading.Thread(target=list_load, args=(port, stop_event, latencies, per_request))
    loader.start()
    try:
        yield latencies
    finally:
        stop_event.set()
        loader.join()


def list_load(port: int, stop_event: threading.Event, latencies: list[float], per_request: bool = False) -> None:
    """The list benchmark running beside the intake: one operator reloading the lead list."""
    session = HttpSession(port, "bench-msk-op0", "bench-pass", per_request)
    while not stop_event.is_set():
        t = time.perf_counter()
        status, _body = session.get("/admin/leads/lead/")
        latencies.append((time.perf_counter() - t) * 1000)
        assert status == 200, status


def worker_pids(master_pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def worker_rss_mib(master_pid: int) -> list[float]:
    return [rss_mib(pid) for pid in worker_pids(master_pid)]


def cpu_seconds(master_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers, MariaDB and Redis (user + system, from /proc): the
    difference over an intake run is what its leads cost each process."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    def named(*names: str) -> list[int]:
        out = subprocess.run(["pgrep", "-x", "|".join(names)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    return {"web": sum(map(used, worker_pids(master_pid))), "mariadb": sum(map(used, named("mariadbd", "mysqld"))),
            "redis": sum(map(used, named("redis-server")))}


def cpu_times() -> list[int]:
    """The machine's CPU time by state (/proc/stat's first line: user, nice, system, idle, iowait, …), in ticks."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]


def idle_share(before: list[int], after: list[int]) -> float:
    """The share of all cores' time that was idle (or waiting on the disk) between two cpu_times()."""
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return (spent[3] + spent[4]) / max(sum(spent), 1)


def measure_side(args) -> dict:
    """Everything one code is measured on (this process imports that code)."""
    import django

    django.setup()
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from legal_crm.core.models import User

    target = desk_targets()
    tokens = [Token.objects.get(user__username="bench-site").key, Token.objects.get(user__username="api-lidpro").key]
    assert User.objects.filter(username="bench-admin").exists()
    measured = {} if args.phase == "load" else {"desk": run_desk(args.repeat, target)}
    if args.phase == "desk":
        return measured
    import intake_cost

    speed = {"loop_ms": intake_cost.python_loop_ms(), "round_trip_ms": intake_cost.round_trip_ms()}
    cost = intake_cost.per_lead(tokens)
    cost["instructions"] = intake_cost.instructions_per_lead()
    print(f"speed {speed}, per lead {cost}", flush=True)
    connection.close()

    http_logins_ready()
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads)
    use_wrk = not args.python_client and ensure_wrk()

    def intake_run(seed: int, per_request: bool = False) -> dict:
        """One intake run from --clients clients; where their connections sat is sampled once they are all open,
        and how much of the cores stayed idle meanwhile."""
        spread: list[int] = []
        sampler = threading.Timer(3, lambda: spread.extend(connections_per_worker(port)))
        sampler.start()
        times = cpu_times()
        try:
            if use_wrk:
                result = run_intake_wrk(port, tokens, args.seconds, args.clients, per_request)
            else:
                result = run_intake(port, tokens, args.requests, args.clients, seed=seed, per_request=per_request)
        finally:
            sampler.join()
        result["spread"], result["idle"] = spread, idle_share(times, cpu_times())
        return result

    runs: dict[str, list] = {key: [] for key in CONNECTIONS}
    try:
        http = http_pages(port, target, args.http_repeat)
        if use_wrk:
            run_intake_wrk(port, tokens, 3, args.clients)  # warm-up
        else:
            run_intake(port, tokens, 200, args.clients, seed=int(time.time()) + 1)  # warm-up
        # The intake alone first: where a lead's CPU goes over HTTP (no list pages in the workers' figure).
        used = cpu_seconds(server.pid)
        alone = intake_run(seed=int(time.time()) + 2)
        alone["cpu_ms"] = {k: (v - used[k]) * 1000 / alone["n"] for k, v in cpu_seconds(server.pid).items()}
        print(f"intake alone: {alone['rate']:.0f}/s p99 {alone['p99']:.0f} ms, CPU ms per lead {alone['cpu_ms']}, "
              f"connections per worker {alone['spread']}", flush=True)
        # Beside the list, the two ways clients reach the workers in turn, so that both see the same phases of the
        # machine: keep-alive connections straight to gunicorn, and a connection per request (nginx's default).
        for _ in range(args.intake_runs):
            for key, (per_request, _name) in CONNECTIONS.items():
                with beside_list(port, per_request) as latencies:
                    result = intake_run(int(time.time()), per_request)
                result["list_p95"], result["list_pages"] = pct(latencies, 95), len(latencies)
                print(f"intake ({key}): {result['rate']:.0f}/s p50 {result['p50']:.0f} p95 {result['p95']:.0f} "
                      f"p99 {result['p99']:.0f} ms {result['codes']}; list beside it p95 {result['list_p95']:.0f} ms "
                      f"({len(latencies)} pages); connections per worker {result['spread']}", flush=True)
                runs[key].append(result)
        # Then a steady flow at the target rate beside the list, each way of connecting: the latency a steady 300
        # posts a second sees (the runs above are at the machine's limit, where a closed loop's latency is queueing).
        steady = {}
        for key, (per_request, _name) in CONNECTIONS.items():
            with beside_list(port, per_request) as latencies:
                times = cpu_times()
                steady[key] = run_open_loop(port, tokens, TARGETS["intake_rate"], args.seconds, per_request)
                steady[key]["idle"] = idle_share(times, cpu_times())
            steady[key]["list_p95"], steady[key]["list_pages"] = pct(latencies, 95), len(latencies)
            print(f"intake at a steady {TARGETS['intake_rate']}/s ({key}): {steady[key]}", flush=True)
        rss = worker_rss_mib(server.pid)
    finally:
        stop(server)
    for r in [*runs["runs"], *runs["runs_per_request"], alone]:
        r["codes"] = {str(k): v for k, v in r["codes"].items()}
    return {**measured, "http": http, **runs, "alone": alone, "steady": steady, "cost": cost, "speed": speed, "rss": rss,
            "client": "wrk" if use_wrk else "Python threads", "target": target}


def export_baseline(ref: str) -> Path:
    """The baseline commit's files in /tmp (once per commit), to run that code against the same database."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True,
                            check=True).stdout.strip()
    path = Path("/tmp") / f"legal-crm-bench-baseline-{commit}"
    if not (path / "apps").exists():
        path.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(path)], input=archive.stdout, check=True)
    return path


def run_side(code_root: Path, argv: list[str], phase: str = "all") -> dict:
    out = Path("/tmp") / f"legal-crm-bench-leads-{os.getpid()}-{code_root.name}-{phase}.json"
    env = {**os.environ, "LCRM_CODE_ROOT": str(code_root)}
    subprocess.run([sys.executable, str(ROOT / "bench" / "bench_leads.py"), *argv, "--phase", phase,
                    "--measure-into", str(out)], env=env, check=True)
    print(f"measurements of {code_root.name}: {out}", flush=True)  # kept: a later failure does not lose them
    return json.loads(out.read_text())


def _server():
    import dj_database_url
    import MySQLdb

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    return MySQLdb.connect(host=cfg["HOST"] or "127.0.0.1", port=int(cfg["PORT"] or 3306), user=cfg["USER"],
                           passwd=cfg["PASSWORD"] or "", db=cfg["NAME"])


def buffer_pool(size: int | None = None, *, warm: bool = False) -> int:
    """InnoDB's buffer pool in bytes; with `size`, resized first (online in MariaDB 10.11, rounded up to its chunk).
    Debian's default of 128 MiB holds a tenth of the lead tables' 1.7 GB: every insert then reads the index pages
    it changes from disk, which no production server sized for its data does — the run sizes it for the data."""
    conn = _server()
    cur = conn.cursor()
    if size is not None:
        cur.execute("SET GLOBAL innodb_buffer_pool_size = %s", [size])
        for _ in range(600):  # the resize runs in the background
            cur.execute("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'")
            row = cur.fetchone()
            if not row or not row[1] or "complete" in row[1].lower():
                break
            time.sleep(0.1)
    if warm:  # the lead tables read once, so the side measured first does not pay the disk reads for the second
        for table in ("leads_lead", "leads_leadphonepart", "leads_leadcontact"):
            cur.execute(f"SELECT COUNT(*) FROM `{table}` FORCE INDEX (PRIMARY)")
            cur.fetchall()
    cur.execute("SELECT @@innodb_buffer_pool_size")
    value = int(cur.fetchone()[0])
    conn.close()
    return value


def machine() -> str:
    conn = _server()
    cur = conn.cursor()
    cur.execute("SELECT VERSION()")
    version = cur.fetchone()[0]
    conn.close()
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} CPU (`nproc` = {os.cpu_count()}), {mem} RAM, MariaDB {version} "
            f"(innodb_buffer_pool_size {buffer_pool() / 2**30:.0f} GiB for the run), "
            f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}), {datetime.datetime.now(datetime.UTC):%d.%m.%Y %H:%M} UTC")


def fmt(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ") if v >= 100 else f"{v:.1f}"


READINGS = "### Readings"  # the part of the section written by hand: kept when the tables are rewritten


def write_results(text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    section = re.compile(r"\n## Leads\n.*?(?=\n## |\Z)", re.S)
    found = section.search(current)
    if found:
        kept = found.group(0).partition("\n" + READINGS)
        readings = kept[1] + kept[2] if kept[1] else ""
        current = section.sub(lambda _m: "\n" + text.rstrip() + "\n" + readings.rstrip("\n") + "\n", current)
    else:
        current = current.rstrip() + "\n\n" + text.rstrip() + "\n"
    path.write_text(current)


def _median_run(side: dict, key: str) -> dict:
    """The median of a side's intake runs beside the list over one kind of connection (`key`: CONNECTIONS)."""
    runs = sorted(side[key], key=lambda r: r["rate"])
    return runs[len(runs) // 2]


def _desk_target(label: str) -> tuple[str, callable]:
    """Each desk page's target in the issue and the check of a measured row."""
    if label.startswith("Список"):
        return (f"CPU ≤ {TARGETS['list_cpu_ms']} ms, ≤ {TARGETS['page_kb']} KB sent",
                lambda r: r["cpu"] <= TARGETS["list_cpu_ms"] and r["gzip_kb"] <= TARGETS["page_kb"])
    if label.startswith("Лид:"):
        return (f"≤ {TARGETS['page_kb']} KB sent (p95 over HTTP below)", lambda r: r["gzip_kb"] <= TARGETS["page_kb"])
    if label.endswith("(4 последние цифры)»"):  # a full list of the matches: the list's target
        return (f"found among the matches, CPU ≤ {TARGETS['list_cpu_ms']} ms",
                lambda r: r.get("found", True) and r["cpu"] <= TARGETS["list_cpu_ms"])
    return (f"found, p95 ≤ {TARGETS['search_p95_ms']} ms",
            lambda r: r.get("found", True) and r["p95"] <= TARGETS["search_p95_ms"])


def report(before: dict, after: dict, args, ref: str, gen_time: float, total: int, loads: tuple) -> str:
    def cell(r: dict) -> str:
        found = "" if "found" not in r else (" · найден" if r["found"] else " · **не найден**")
        if "matches" in r:
            found += f" среди {r['matches']} совпадений"
        calls = f" · {r['calls'] / 1000:.0f} k calls" if "calls" in r else ""
        return (f"{fmt(r['cpu'])} / {fmt(r['p50'])} / {fmt(r['p95'])} · {r['queries']} q{calls} · "
                f"{fmt(r['kb'])} KB ({fmt(r['gzip_kb'])} KB gz){found}")

    lines = [
        "## Leads", "",
        f"Machine: {machine()}. Load average of the shared machine: {loads[0]:.1f} before the run, "
        f"{loads[1]:.1f} after (other helpers' test suites and benchmarks run on the same 2 cores: wall times "
        "include waiting for them; CPU per page is this process's own work).",
        f"Database: {total:,} leads".replace(",", " ") + " (generated by `bench/generate_leads.py`"
        + (f", {gen_time:.0f} s this run" if gen_time > 5 else ", reused") + "). "
        f"Command: `python bench/run.py leads --leads {args.leads}`. Before: commit `{ref}` (main before issue "
        "#17), after: this tree — each measured in its own process against the same database in this one run.",
        "", "### Desk pages in-process (Django test client, gzip accepted)", "",
        "CPU per page (median) / wall p50 / wall p95 in ms · SQL statements · Python function calls (cProfile, a "
        "count that does not depend on the machine's speed) · page size raw (as sent).", "",
        "| page | before | after | target | met |", "|---|---|---|---|---|",
    ]
    for (label, b), (_label, a) in zip(before["desk"], after["desk"], strict=True):
        target, ok = _desk_target(label)
        lines.append(f"| {label} | {cell(b)} | {cell(a)} | {target} | {'yes' if ok(a) else 'no'} |")
    lines += ["", f"### Over HTTP (gunicorn {args.workers} workers × {args.threads} threads, production settings, "
              f"logged in, gzip; {args.http_repeat} requests each, one client)", "",
              "| page | before p50 / p95, ms · sent | after p50 / p95, ms · sent | target | met |", "|---|---|---|---|---|"]
    for (label, b), (_label, a) in zip(before["http"], after["http"], strict=True):
        limit = TARGETS["list_http_p95_ms"] if label.startswith(("Список", "Поиск")) else TARGETS["page_http_p95_ms"]
        if label.startswith("Поиск"):
            limit = TARGETS["search_p95_ms"]
        lines.append(f"| {label} | {fmt(b['p50'])} / {fmt(b['p95'])} · {fmt(b['sent_kb'])} KB | "
                     f"{fmt(a['p50'])} / {fmt(a['p95'])} · {fmt(a['sent_kb'])} KB | p95 ≤ {limit} ms | "
                     f"{'yes' if a['p95'] <= limit else 'no'} |")
    def by_rate(side: dict, key: str) -> list[dict]:
        return sorted(side.get(key, []), key=lambda r: r["rate"])

    def rates(side: dict, key: str) -> str:
        return ", ".join(fmt(r["rate"]) + (f" [{'/'.join(map(str, r['spread']))}]" if r.get("spread") else "")
                         for r in by_rate(side, key))

    def idle(side: dict, key: str) -> str:
        # Near zero: the run was bound by the 2 cores (the rate then follows the CPU a lead costs and the machine's
        # speed), not by waiting on a lock, the database's disk or a crowded worker.
        return ", ".join(f"{r['idle'] * 100:.0f}" for r in by_rate(side, key))

    def steady_cell(side: dict, key: str) -> str:
        r = side["steady"][key]
        return (f"{fmt(r['rate'])} · {fmt(r['p50'])} / {fmt(r['p95'])} / {fmt(r['p99'])} / {fmt(r['max'])} · "
                f"{r['codes'].get('0', 0)} · {r['idle'] * 100:.0f}")

    medians = {key: (_median_run(before, key), _median_run(after, key)) for key in CONNECTIONS if after.get(key)}
    lines += ["", f"### Intake with the list benchmark running ({args.clients} clients ({after['client']}), "
              f"{args.seconds} s a run, while one more client reloads the operator's lead list; the runs of the two "
              "kinds of connection alternate)", "",
              "| what | before | after | target | met |", "|---|---|---|---|---|"]
    answers = []
    for key, (ib, ia) in medians.items():
        how = CONNECTIONS[key][1]
        met = ia["rate"] >= TARGETS["intake_rate"] and ia["p99"] <= TARGETS["intake_p99_ms"]
        answers.append(f"{how}: {ia['n']} posts, " + ", ".join(f"{k}: {v}" for k, v in sorted(ia["codes"].items()))
                       + f" — the median run {'meets' if met else 'is below'} the target")
        lines += [f"| intake over {how}, leads/s (median of {len(after[key])}; all runs [connections per worker]) | "
                  f"{fmt(ib['rate'])} ({rates(before, key)}) | {fmt(ia['rate'])} ({rates(after, key)}) | "
                  f"≥ {TARGETS['intake_rate']} | {'yes' if ia['rate'] >= TARGETS['intake_rate'] else 'no'} |",
                  f"| — its p50 / p95 / p99, ms | {fmt(ib['p50'])} / {fmt(ib['p95'])} / {fmt(ib['p99'])} | "
                  f"{fmt(ia['p50'])} / {fmt(ia['p95'])} / {fmt(ia['p99'])} | p99 ≤ {TARGETS['intake_p99_ms']} | "
                  f"{'yes' if ia['p99'] <= TARGETS['intake_p99_ms'] else 'no'} |",
                  f"| — the lead list beside it, p95 ms (pages) | {fmt(ib['list_p95'])} ({ib['list_pages']}) | "
                  f"{fmt(ia['list_p95'])} ({ia['list_pages']}) | — | — |",
                  f"| — the cores' idle time during the runs, % (in the order of the rates) | {idle(before, key)} | "
                  f"{idle(after, key)} | — | — |"]
        steady_ok = after["steady"][key]["p99"] <= TARGETS["intake_p99_ms"]
        lines.append(f"| — at a steady {TARGETS['intake_rate']} posts/s beside the list (`bench/open_loop.py`: "
                     "each post's latency from its scheduled moment): answered/s · p50 / p95 / p99 / max, ms · "
                     f"errors · cores idle % | {steady_cell(before, key)} | {steady_cell(after, key)} | "
                     f"p99 ≤ {TARGETS['intake_p99_ms']} | {'yes' if steady_ok else 'no'} |")
    def alone(side: dict) -> str:
        a = side.get("alone")
        if not a:
            return "—"
        spread = f" [{'/'.join(map(str, a['spread']))}]" if a.get("spread") else ""
        return f"{fmt(a['rate'])}{spread} · p99 {fmt(a['p99'])}"

    def split(side: dict) -> str:
        a = side.get("alone")
        if not a:
            return "—"
        c = a["cpu_ms"]
        whole = sum(c.values())
        return (f"{c['web']:.2f} / {c['mariadb']:.2f} / {c['redis']:.2f} = {whole:.2f} "
                f"(≤ {fmt(os.cpu_count() * 1000 / whole)}/s on {os.cpu_count()} cores)")

    lines += [f"| intake alone, no list (one keep-alive run before those beside the list): leads/s [connections per worker] · p99 ms | "
              f"{alone(before)} | {alone(after)} | — | — |",
              "| CPU per lead over HTTP, intake alone: gunicorn workers / MariaDB / Redis, ms (the rate all cores "
              f"would give at that cost) | {split(before)} | {split(after)} | — | — |"]
    for key, label in (("cpu_ms", "CPU per lead in the web process (in-process, no HTTP server), ms"),
                       ("sql", "SQL queries per lead, as Django logs them (BEGIN and COMMIT included)"),
                       ("redis", "Redis round trips per lead")):
        lines.append(f"| {label} | {before['cost'][key]:.1f} | {after['cost'][key]:.1f} | — | — |")

    def millions(side: dict) -> str:
        count = side["cost"].get("instructions")
        return "—" if count is None else f"{count / 1e6:.2f}"

    lines.append("| Instructions per lead in the web process (in-process, callgrind: a count that does not depend on "
                 f"the machine's speed; the posts on a paced clock of 150 a second), millions | {millions(before)} | {millions(after)} | — | — |")
    rss_ok = max(after["rss"]) <= TARGETS["rss_mib"]
    lines += [f"| gunicorn worker RSS after the run, MiB | {', '.join(fmt(x) for x in before['rss'])} | "
              f"{', '.join(fmt(x) for x in after['rss'])} | ≤ {TARGETS['rss_mib']} | {'yes' if rss_ok else 'no'} |",
              "", "Answers to the intake (after, median runs): " + "; ".join(answers) + ".",
              "", f"Speed of the machine (lower is faster; compare runs of different days by these): before "
              f"{before['speed']['loop_ms']:.0f} ms CPU for the fixed Python loop and "
              f"{before['speed']['round_trip_ms']:.3f} ms per `SELECT 1`; after {after['speed']['loop_ms']:.0f} ms "
              f"and {after['speed']['round_trip_ms']:.3f} ms."]
    lines += ["", "What changed between the columns: the lead list joins its 50 rows' markup in one pass (unfold's cells, "
              "`leads/templatetags/lead_list.py`) from values computed once per row in `leads/selectors/list_rows.py` "
              "(unfold built every cell through lookup_field, display_for_field, format_html and a reverse() per link), "
              "and the operator filter's query of who takes leads is built once per process "
              "(`core.auth_backends.users_with_perm`); desk GET pages are gzip-compressed "
              "(`core/compression.py`, scoped against BREACH); unfold's change form no longer misses "
              "`conditional_fields` once per field (each miss ran dir() over the admin class), and prints its fieldsets "
              "and read-only logs in one template pass with each field's label, widget and contents computed once "
              "(`admin/includes/desk_fieldset.html`, `admin/edit_inline/readonly_tabular.html`: the same markup as "
              "unfold's nested includes); phone search by any "
              "part of the number reads the phone-part key (`core/phone_parts.py`: «не найден» before for the tail "
              "and the middle); the intake writes the lead's phone parts (one multi-row INSERT more per lead), "
              "serialises the posts of one phone by a Redis lease taken in the flood counts' round trip (MariaDB's "
              "GET_LOCK before, two statements), picks the operator in that same round trip (the flood counts "
              "there are one Lua script), and sends the new "
              "lead's other rows (phone parts, contact, logs, audit, outbox) in one multi-statement query "
              "(`core/row_insert.together`) with the values a column keeps passed through unprepared, and with the "
              "transaction's COMMIT at its end (`together(commit=True)`); a new person's dedup read rides in the "
              "lead's own INSERT (`row_insert.insert(…, unless=…)`: INSERT … SELECT … WHERE NOT EXISTS); on MariaDB a "
              "transaction opens with its first statement (`core/mariadb`: no `SET autocommit` before and after, "
              "two round trips fewer a lead); the number's libphonenumber type is worked out once for its checks "
              "(`core.validators.phone_number_type`), and a repeat post locks the lead's row, writes what it adds in "
              "one UPDATE and answers from the lead in hand; a request opens the messages' storage only if it uses "
              "it (`core/lazy_messages.py`), the Redis cache skips memcached's key warnings, a token's cache key is "
              "hashed once per process and a client taking anything (*/*) gets its renderer without the Accept header "
              "being parsed (`core/negotiation.py`); the web workers hand the GIL over after 0.5 ms, not 5 "
              "(`legal_crm/gc_tuning.py`: a post back from a round trip no longer waits out a list page's 5 ms "
              "slice). Query counts are per page and do not depend on the "
              "number of rows."]
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--baseline", default=BASELINE, help="the commit measured as «before»")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=20, help="in-process requests per desk page")
    parser.add_argument("--http-repeat", type=int, default=40, help="HTTP requests per desk page")
    parser.add_argument("--seconds", type=int, default=20, help="intake duration with wrk")
    parser.add_argument("--intake-runs", type=int, default=3, help="intake runs; the median is reported")
    parser.add_argument("--python-client", action="store_true", help="use the threaded Python client, not wrk")
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--phase", choices=("all", "desk", "load"), default="all", help=argparse.SUPPRESS)
    parser.add_argument("--measure-into", help=argparse.SUPPRESS)  # internal: one side's measurements → JSON
    args = parser.parse_args(argv)
    if "mysql" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL=mysql://… (a scratch database) and REDIS_URL.")
    if args.measure_into:
        Path(args.measure_into).write_text(json.dumps(measure_side(args)))
        return
    import generate_leads

    if args.recreate:
        generate_leads.recreate_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from legal_crm.leads.models import Lead

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    generate_leads.generate(args.leads)
    gen_time = time.perf_counter() - t
    cache.clear()
    total = Lead.objects.count()
    connection.close()

    passed = [a for a in (argv if argv is not None else sys.argv[1:]) if a not in ("--recreate",)]
    load_before = os.getloadavg()[0]
    pool = buffer_pool()
    buffer_pool(max(pool, BUFFER_POOL), warm=True)
    try:
        # The desk pages of both codes first, one right after the other, then the load of both: measured side by
        # side in time, so the pages of the side measured second do not pay for the first side's intake runs
        # (in two runs of 06.12.2026 the after side's lead card took 60 ms CPU in the bench and 36–39 ms alone).
        baseline = export_baseline(args.baseline)
        print(f"desk pages, before: {args.baseline}", flush=True)
        before = run_side(baseline, passed, "desk")
        print("desk pages, after: this tree", flush=True)
        after = run_side(ROOT, passed, "desk")
        print(f"HTTP and intake, before: {args.baseline}", flush=True)
        before.update(run_side(baseline, passed, "load"))
        print("HTTP and intake, after: this tree", flush=True)
        after.update(run_side(ROOT, passed, "load"))
        text = report(before, after, args, args.baseline, gen_time, total, (load_before, os.getloadavg()[0]))
    finally:
        buffer_pool(pool)  # the server as it was (CI's tests share it)
    print(text)
    if not args.no_write:
        write_results(text)


if __name__ == "__main__":
    main()
