"""Locks held for a block across processes, where no row exists yet to lock with SELECT … FOR UPDATE (two posts of
one new phone at once).

- named_lock: MariaDB's GET_LOCK (the database every process shares); two statements of its own.
- RedisLease: a lease in Redis whose first attempt rides in a Redis round trip the caller makes anyway; where
  Redis is unreachable the caller falls back to named_lock.
Callers on SQLite (one writer at a time anyway) do without either.
"""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager

from django.db import connection
from redis.exceptions import LockError
from redis.lock import Lock

from .cache import UNREACHABLE, redis_failed

logger = logging.getLogger(__name__)


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


class RedisLease:
    """A lock held in Redis for at most `lease` seconds (redis-py's Lock: SET NX PX, released by compare-and-delete,
    so a holder whose lease ran out never frees another's).

    Its first attempt rides in a round trip the caller sends anyway (queue() into the caller's pipeline, answered()
    with the answers); only a taken lock costs more — hold() then waits for it. A lease can run out while its holder
    is stalled, so the holder asks check() before committing what the lock guards: past `lease - margin` seconds
    it gives up (LockBusy) rather than commit beside a second holder."""

    def __init__(self, name: str, *, lease: float = 60.0, margin: float = 20.0):
        from django.core.cache import caches

        # Outside the cache's own key space (prefix:version:key): clearing the cache after an outage must not drop
        # a lock somebody holds.
        self.key = f"{caches['default'].key_prefix}:lock:{name}"
        self.lease, self.margin = lease, margin
        self.token = uuid.uuid4().hex
        self.client = None  # the Redis that answered the first attempt; None: it was never asked
        self.taken = False
        self._started = 0.0
        self._pending_client = None
        # Riders whose give_back(pipe) queues commands into the release's round trip (an unused operator pick):
        # they are sent after what the lease guards has committed, at no extra round trip.
        self.on_release: list = []

    def queue(self, pipe, client) -> None:
        """Queue the first attempt in `pipe`."""
        self._started = time.monotonic()
        pipe.set(self.key, self.token, nx=True, px=int(self.lease * 1000))
        self._pending_client = client

    def answered(self, answers: list) -> None:
        self.client, self.taken = self._pending_client, bool(answers[0])

    @contextmanager
    def hold(self, timeout: float = 10):
        """Hold the lease for the block: taken already, or waited for up to `timeout` seconds (LockBusy)."""
        lock = Lock(self.client, self.key, timeout=self.lease, sleep=0.005, thread_local=False)
        if self.taken:
            lock.local.token = self.token.encode()
        else:
            self._started = time.monotonic()
            try:
                got = lock.acquire(blocking_timeout=timeout, token=self.token)
            except UNREACHABLE as exc:
                # Redis went away while another post holds the lease: waiting on the database's lock instead would
                # not exclude that holder, so this post is refused for a retry.
                redis_failed(exc)
                got = False
            if not got:
                raise LockBusy(self.key)
            self.taken = True
        try:
            yield self
        finally:
            try:
                self._release(lock)
            except LockError:
                logger.warning("lease %s ran out before it was released", self.key)
            except UNREACHABLE as exc:  # it runs out by itself
                redis_failed(exc)

    def _release(self, lock: Lock) -> None:
        pipe = self.client.pipeline(transaction=False)
        if not [rider for rider in self.on_release if rider.give_back(pipe)]:  # every rider asked
            lock.release()
            return
        # Lock's own compare-and-delete, sent as EVAL: a registered script in a pipeline costs a SCRIPT EXISTS.
        pipe.eval(Lock.LUA_RELEASE_SCRIPT, 1, self.key, self.token)
        if not pipe.execute()[-1]:
            raise LockError("lease ran out")

    def check(self) -> None:
        """Refuse (LockBusy) when the lease may have run out: the caller's transaction then rolls back."""
        if time.monotonic() - self._started > self.lease - self.margin:
            raise LockBusy(self.key)


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
