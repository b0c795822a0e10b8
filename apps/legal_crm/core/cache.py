"""Django's Redis cache, keeping one redis.Redis client per connection pool, clearing only its own keys, and
carrying on without Redis.

Django's RedisCacheClient builds a new redis.Redis for every cache call; each construction fills a table of
several hundred response callbacks (≈ 0.15 ms of CPU). With sessions in the cache that is paid several times
on every request. redis.Redis is thread-safe over its pool, so one client per pool is enough.

Redis unreachable is not an outage: every reader of the cache falls back to the database (tokens, permissions,
reference data, operator load, sessions through cached_db), so a failed call answers as a miss — get() gives the
default, set() and delete() do nothing, incr() says "no such key" — and is logged. After a failure the cache does not
try Redis again for DOWN_SECONDS, so a dead server costs one failed connection per process every few seconds, not
one per cache call. shared_redis() answers None meanwhile: its users take their local-memory path.
A write lost meanwhile (an access change's generation bump, a revoked token's entry dropped) would leave stale
entries behind once Redis answers again — so the first call that reaches Redis after lost writes deletes this
cache's keys: nothing cached before or during the outage outlives it.
"""

import logging
import threading
import time

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

DOWN_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def drop_now_and_after_commit(drop) -> None:
    """Invalidate a cached copy now and again after commit: a request that read the old rows between the first
    drop and the commit must not leave them cached. (Outside a transaction on_commit runs at once: twice, harmless.)"""
    drop()
    transaction.on_commit(drop)


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class _Unreachable(Exception):
    pass


_down_until: dict[tuple, float] = {}  # servers → until when they count as unreachable (shared by the threads)
_writes_lost: set[tuple] = set()  # servers that missed a write while unreachable: cleared when they answer again
_down_lock = threading.Lock()
_WRITES = {"set", "set_many", "add", "touch", "delete", "delete_many", "incr"}


class ReusingRedisCache(RedisCache):
    @cached_property
    def _cache(self):
        return ReusingRedisCacheClient(self._servers, **self._options)

    def validate_key(self, key):
        """Redis takes any key: memcached's warnings (length, control characters) are not checked. Django's check
        walked every character of every key in Python, on each of the several cache calls of a request."""

    # --- carrying on without Redis ------------------------------------------------------------------
    def is_down(self) -> bool:
        return time.monotonic() < _down_until.get(tuple(self._servers), 0.0)

    def mark_down(self, exc: BaseException) -> None:
        with _down_lock:
            first = not self.is_down()
            _down_until[tuple(self._servers)] = time.monotonic() + DOWN_SECONDS
        if first:
            logger.warning("Redis is unreachable (%s): the cache answers misses, the database carries on", exc)

    def _call(self, name: str, fallback, *args, **kwargs):
        servers = tuple(self._servers)
        if self.is_down():
            if name in _WRITES:
                _writes_lost.add(servers)
            return fallback
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            self.mark_down(exc)
            if name in _WRITES:
                _writes_lost.add(servers)
            return fallback
        if servers in _writes_lost:
            self._forget_after_outage(servers)
        return result

    def _forget_after_outage(self, servers: tuple) -> None:
        with _down_lock:
            if servers not in _writes_lost:
                return
            _writes_lost.discard(servers)
        logger.warning("Redis answers again after missing writes: this cache's keys are deleted")
        try:
            self._clear()
        except UNREACHABLE as exc:
            _writes_lost.add(servers)
            self.mark_down(exc)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", [], data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: callers use add() to claim a key (a form's one submission, a new session key); with nobody to ask,
        # the claim is granted rather than refused forever.
        return self._call("add", True, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", _Unreachable, key, delta, version)
        if result is _Unreachable:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def ping(self) -> bool:
        """Ask Redis itself (the health check), whatever the cache remembers of earlier failures."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE as exc:
            self.mark_down(exc)
            return False

    def redis_client(self):
        """The shared redis.Redis of this cache, for what the cache API cannot say (sorted sets, pipelines).
        Keys must go through make_and_validate_key so the configured prefix applies."""
        return self._cache.get_client(write=True)

    def clear(self):
        """Delete this cache's keys only. Django's clear() flushes the whole Redis database, and with it the Celery
        broker's queues and the keys of every other process sharing the database (test workers have a prefix each)."""
        try:
            self._clear()
        except UNREACHABLE as exc:
            self.mark_down(exc)
        return True

    def _clear(self):
        client = self.redis_client()
        batch = []
        for key in client.scan_iter(match=self.make_key("*"), count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)


def shared_redis():
    """The default cache's redis.Redis client, or None when the cache is not Redis (the embedded default's
    local memory) or Redis is unreachable just now: for counters and scripts the cache API cannot express.
    A caller whose Redis call fails reports it with redis_failed() and takes its path for None."""
    backend = caches["default"]
    if not isinstance(backend, ReusingRedisCache) or backend.is_down():
        return None
    return backend.redis_client()


def redis_failed(exc: BaseException) -> None:
    backend = caches["default"]
    if isinstance(backend, ReusingRedisCache):
        backend.mark_down(exc)
