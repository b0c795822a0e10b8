"""Kombu's Redis transport, keeping one redis.Redis client per channel for publishing.

Kombu builds a new redis.Redis for every publish (`Channel.conn_or_acquire`), and each construction fills a
table of several hundred response callbacks (≈ 0.15 ms of CPU) — on the lead intake that was one of the larger
costs of a request. redis.Redis is thread-safe over its connection pool, so the channel's one client serves
every publish. Selected with CELERY_BROKER_TRANSPORT when the broker is Redis (settings/production.py).
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _publish_client = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        if self._publish_client is None:
            self._publish_client = self._create_client()
        yield self._publish_client


class Transport(redis.Transport):
    Channel = Channel
