"""How many times something happened within the last N seconds, counted in the shared cache.

Used for flood limits (posts from one phone or one partner): counting such rows in SQL reads as many index
entries as there were posts, on every post. On Redis each key is a sorted set of moments, so a count is exact
for any window and one round trip answers several keys; the local-memory cache of the embedded default keeps
the moments in a plain list (one process, no races worth a lock).

Redis unreachable: nothing is counted — the limits are skipped (and that is logged) rather than the posts refused;
leads are the firm's income, and a flood that gets through is cheaper than an intake that is down.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.core.cache import caches

from .cache import UNREACHABLE, ReusingRedisCache, redis_failed, shared_redis

logger = logging.getLogger(__name__)


def _redis_unreachable() -> bool:
    """The cache is Redis but cannot be reached just now: counts are skipped (logged) until it can."""
    if isinstance(caches["default"], ReusingRedisCache):
        logger.warning("flood limits not counted: Redis is unreachable")
        return True
    return False


def counts(windows: list[tuple[str, int]], now: datetime.datetime,
           and_record: list[tuple[str, int]] = (), also=()) -> list[int]:
    """For each (key, seconds): the moments recorded under key within `seconds` before now. With `and_record`,
    this moment is then recorded under those keys as record() does — on Redis in the same round trip, as one
    MULTI (two posts at once count one after the other). `also` — riders such as a core.locks.RedisLease or an
    operator pick (leads.services.operator_load.PickRider), None for none — ride in that round trip too: each one's
    queue(pipe, client) adds its commands, answered(answers) gets their answers; they are not asked when Redis is
    not reached."""
    ts = now.timestamp()
    client = shared_redis()
    if client is not None:
        pipe = client.pipeline(transaction=True)
        for key, seconds in windows:
            pipe.zcount(caches["default"].make_and_validate_key(key), f"({ts - seconds}", "+inf")
        _queue_record(pipe, and_record, ts)
        riders = []
        for rider in also:
            if rider is not None:
                start = len(pipe)
                rider.queue(pipe, client)
                riders.append((rider, start, len(pipe)))
        try:
            answers = pipe.execute()
        except UNREACHABLE as exc:
            redis_failed(exc)
        else:
            for rider, start, end in riders:
                rider.answered(answers[start:end])
            return [int(n) for n in answers[:len(windows)]]
    if _redis_unreachable():
        return [0] * len(windows)
    stored = caches["default"].get_many([key for key, _s in windows])
    found = [sum(1 for moment in stored.get(key, ()) if moment > ts - seconds) for key, seconds in windows]
    if and_record:
        record(list(and_record), now)
    return found


def _queue_record(pipe, keys, ts: float) -> None:
    for key, seconds in keys:
        full_key = caches["default"].make_and_validate_key(key)
        pipe.zadd(full_key, {f"{ts}:{uuid.uuid4().hex[:8]}": ts})
        pipe.zremrangebyscore(full_key, "-inf", ts - seconds)
        pipe.expire(full_key, seconds + 60)


def record(keys: list[tuple[str, int]], now: datetime.datetime) -> None:
    """Record one moment under each (key, longest window in seconds); older moments are dropped."""
    ts = now.timestamp()
    client = shared_redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        _queue_record(pipe, keys, ts)
        try:
            pipe.execute()
            return
        except UNREACHABLE as exc:
            redis_failed(exc)
    if _redis_unreachable():
        return
    for key, seconds in keys:
        moments = [m for m in caches["default"].get(key, ()) if m > ts - seconds]
        caches["default"].set(key, [*moments, ts], seconds + 60)
