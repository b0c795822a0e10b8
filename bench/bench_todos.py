"""Benchmark: tasks at 1,000,000 rows — a person's and an office's open-task list (target p95 ≤ 150 ms) and the
blocks of «Мой день» (target ≤ 50 ms each).

    DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_todos \
        .venv/bin/python bench/run.py todos [--tasks 1000000] [--users 3000] [--repeat 30]

The database named in DATABASE_URL is dropped and recreated (MariaDB) — point it at a scratch database.
It migrates, generates offices, employees and tasks with bulk inserts (a third open, the rest done or confirmed,
one in twenty in an office's queue), then times each read `--repeat` times for different people and offices and
prints a Markdown table for bench/RESULTS.md.
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
BATCH = 10_000


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def generate(n_tasks: int, n_users: int, today: datetime.date) -> tuple[list, list]:
    from django.contrib.auth.models import Group

    from legal_crm.core.access_sync import sync_groups
    from legal_crm.core.models import User
    from legal_crm.org.models import Employee, Office
    from legal_crm.todos.models import Task

    sync_groups()
    offices = Office.objects.bulk_create([Office(name=f"Офис {i}", code=f"bench{i}", city="Москва",
                                                 address="ул. Тестовая") for i in range(OFFICES)])
    users = User.objects.bulk_create([User(username=f"bench{i}", password="!", first_name="Юрист",
                                           last_name=f"Тестов{i}", is_staff=True) for i in range(n_users)],
                                     batch_size=BATCH)
    employees = Employee.objects.bulk_create([Employee(user=u, main_office=offices[i % OFFICES])
                                              for i, u in enumerate(users)], batch_size=BATCH)
    Employee.offices.through.objects.bulk_create(
        [Employee.offices.through(employee=e, office=offices[i % OFFICES]) for i, e in enumerate(employees)],
        batch_size=BATCH)
    lawyers, heads = Group.objects.get(name="Юристы"), Group.objects.get(name="Руководители офисов")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user=u, group=heads if i < OFFICES else lawyers) for i, u in enumerate(users)],
        batch_size=BATCH)
    rng = random.Random(14)
    statuses = [Task.Status.NEW, Task.Status.DONE, Task.Status.CONFIRMED]
    made = 0
    while made < n_tasks:
        rows = []
        for i in range(made, min(made + BATCH, n_tasks)):
            index = rng.randrange(n_users)
            queue = i % 20 == 0
            status = statuses[i % 3]
            rows.append(Task(title=f"Задача {i}", office=offices[index % OFFICES],
                             assignee=None if queue else users[index], status=status,
                             due_on=today + datetime.timedelta(days=rng.randint(-60, 60)),
                             record_type="contracts.contract", record_id=str(i % 150_000)))
        Task.objects.bulk_create(rows, batch_size=BATCH)
        made += len(rows)
    return offices, users


def timed(fn, repeat: int, args) -> list[float]:
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(args[i % len(args)])
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="time again on the tasks of the previous run")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("mysql"):
        sys.exit("Set DATABASE_URL=mysql://root@127.0.0.1:3306/legalcrm_bench_todos (a scratch database).")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from legal_crm import hooks
    from legal_crm.org.selectors import office_ids_visible_to
    from legal_crm.todos import selectors

    today = timezone.localdate()
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)  # --reuse: the code may have gained migrations since the data was made
    if args.reuse:  # the offices and employees generate() made, in the same order
        from legal_crm.core.models import User
        from legal_crm.org.models import Office

        offices = list(Office.objects.filter(code__startswith="bench").order_by("id"))
        users = list(User.objects.filter(username__startswith="bench").order_by("id"))
        from legal_crm.todos.models import Task

        args.tasks = Task.objects.count()
    else:
        offices, users = generate(args.tasks, args.users, today)
    t_gen = time.perf_counter() - t0
    connection.cursor().execute("ANALYZE TABLE todos_task")

    heads = users[:OFFICES]
    people = users[OFFICES:OFFICES + args.repeat]
    results = []
    for user in [*heads, *people]:  # a signed-in person's rights and offices are cached from earlier requests
        office_ids_visible_to(user)
        user.has_perm("todos.view_task")

    def person_list(user):
        list(selectors.task_list_visible_to(user).filter(assignee=user, status="new").order_by("due_on", "id")[:50])

    def office_list(head):
        office_id = offices[users.index(head) % OFFICES].pk
        list(selectors.office_open_tasks(head, office_id).select_related("assignee")[:50])

    def desk_visible(user):
        list(selectors.task_list_visible_to(user).filter(status="new").order_by("due_on", "id")[:50])

    results.append(("a person's open tasks (50 by due date)", timed(person_list, args.repeat, people), 150))
    results.append(("an office's open tasks, office head (50)", timed(office_list, args.repeat, heads), 150))
    results.append(("all a lawyer sees: own + office queue (50)", timed(desk_visible, args.repeat, people), 150))
    factory = RequestFactory()
    for path in hooks.HOME_BLOCKS:
        def block(user, path=path):
            request = factory.get("/")
            request.user = user
            import_string(path)(request)

        name = path.rsplit(".", 2)[-2] + "." + path.rsplit(".", 1)[-1]
        lawyer_times = timed(block, args.repeat, people)
        head_times = timed(block, args.repeat, heads)
        results.append((f"«Мой день»: {name}", lawyer_times + head_times, 50))

    version = connection.cursor().connection.get_server_info()
    print(f"Data {'reused' if args.reuse else 'generated'} in {t_gen:.0f} s: {args.tasks:,} tasks, {args.users:,} employees, {OFFICES} offices")
    print()
    print("| read | runs | median, ms | p95, ms | target |")
    print("|---|---:|---:|---:|---|")
    for name, times, target in results:
        median = sorted(times)[len(times) // 2]
        print(f"| {name} | {len(times)} | {median:.1f} | {p95(times):.1f} | ≤ {target} ms |")
    print()
    print(f"MariaDB {version}, Python {platform.python_version()}, {os.cpu_count()} CPU cores (shared), "
          f"{datetime.date.today():%d.%m.%Y}.")


if __name__ == "__main__":
    main()
