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
