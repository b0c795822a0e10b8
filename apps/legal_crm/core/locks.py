"""A named lock held for a block, across processes: MariaDB's GET_LOCK (the database every process shares).

Used where no row exists yet to lock with SELECT … FOR UPDATE (two posts of one new phone at once). Only on
MariaDB/MySQL; callers on SQLite (one writer at a time anyway) do without it.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


class LockBusy(Exception):
    """The lock stayed taken for the whole timeout."""


@contextmanager
def named_lock(name: str, timeout: int = 10):
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, %s)", [name, timeout])
        got = cursor.fetchone()[0]
    if got != 1:
        raise LockBusy(name)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT RELEASE_LOCK(%s)", [name])


LOCK_CONFLICTS = (1213, 1205)  # InnoDB: deadlock (the transaction was rolled back), lock wait timeout


def retry_lock_conflicts(fn, *args, attempts: int = 4, **kwargs):
    """Run `fn` (which opens its own transaction) again when InnoDB rolled it back for a deadlock or a lock wait
    timeout, as InnoDB asks of every client; inside an outer transaction there is nothing to retry."""
    from django.db import OperationalError

    for attempt in range(attempts):
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if attempt == attempts - 1 or connection.in_atomic_block or exc.args[0] not in LOCK_CONFLICTS:
                raise
    raise AssertionError("unreachable")
