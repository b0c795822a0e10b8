"""Django's Redis cache, keeping one redis.Redis client per connection pool, and clearing only its own keys.

Django's RedisCacheClient builds a new redis.Redis for every cache call; each construction fills a table of
several hundred response callbacks (≈ 0.15 ms of CPU). With sessions in the cache that is paid several times
on every request. redis.Redis is thread-safe over its pool, so one client per pool is enough.
"""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from django.utils.functional import cached_property


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


class ReusingRedisCache(RedisCache):
    @cached_property
    def _cache(self):
        return ReusingRedisCacheClient(self._servers, **self._options)

    def redis_client(self):
        """The shared redis.Redis of this cache, for what the cache API cannot say (sorted sets, pipelines).
        Keys must go through make_and_validate_key so the configured prefix applies."""
        return self._cache.get_client(write=True)

    def clear(self):
        """Delete this cache's keys only. Django's clear() flushes the whole Redis database, and with it the Celery
        broker's queues and the keys of every other process sharing the database (test workers have a prefix each)."""
        client = self.redis_client()
        batch = []
        for key in client.scan_iter(match=self.make_key("*"), count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True


def shared_redis():
    """The default cache's redis.Redis client, or None when the cache is not Redis (the embedded default's
    local memory): for counters and scripts the cache API cannot express."""
    backend = caches["default"]
    return backend.redis_client() if isinstance(backend, ReusingRedisCache) else None
