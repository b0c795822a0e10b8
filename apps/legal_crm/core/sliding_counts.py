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
    script (two posts at once count one after the other). `also` — riders such as a core.locks.RedisLease or an
    operator pick (leads.services.operator_load.PickRider), None for none — ride in that round trip too: each one's
    queue(pipe, client) adds its commands, answered(answers) gets their answers; they are not asked when Redis is
    not reached."""
    ts = now.timestamp()
    client = shared_redis()
    if client is not None:
        # The counts and the recording are one script (atomic: two posts at once count one after the other); the
        # riders' commands need no atomicity with it, so the pipeline is not a MULTI.
        pipe = client.pipeline(transaction=False)
        if windows or and_record:
            _queue_script(pipe, windows, and_record, ts)
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
            return [int(n) for n in answers[0]] if windows else []
    if _redis_unreachable():
        return [0] * len(windows)
    stored = caches["default"].get_many([key for key, _s in windows])
    found = [sum(1 for moment in stored.get(key, ()) if moment > ts - seconds) for key, seconds in windows]
    if and_record:
        record(list(and_record), now)
    return found


# KEYS: the counted keys, then the recorded ones. ARGV: the moment; then per counted key the lowest score counted
# (exclusive, "(…"); then per recorded key its member and the highest score dropped, and its lifetime in seconds.
# Scores travel as the strings Python formats, so Lua's number formatting never rounds a boundary.
_COUNT_AND_RECORD = """
local counted = #KEYS - tonumber(ARGV[2])
local out = {}
for i = 1, counted do
  out[i] = redis.call('ZCOUNT', KEYS[i], ARGV[2 + i], '+inf')
end
local a = 3 + counted
for i = counted + 1, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], ARGV[a])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', ARGV[a + 1])
  redis.call('EXPIRE', KEYS[i], ARGV[a + 2])
  a = a + 3
end
return out
"""


def _queue_script(pipe, windows, records, ts: float) -> None:
    """One EVAL (not EVALSHA: in a pipeline redis-py would first ask SCRIPT EXISTS, a round trip of its own)."""
    key = caches["default"].make_and_validate_key
    args = [repr(ts), len(records)]
    args += [f"({ts - seconds!r}" for _key, seconds in windows]
    for _key, seconds in records:
        args += [f"{ts!r}:{uuid.uuid4().hex[:8]}", repr(ts - seconds), seconds + 60]
    pipe.eval(_COUNT_AND_RECORD, len(windows) + len(records), *(key(k) for k, _s in windows),
              *(key(k) for k, _s in records), *args)


def record(keys: list[tuple[str, int]], now: datetime.datetime) -> None:
    """Record one moment under each (key, longest window in seconds); older moments are dropped."""
    ts = now.timestamp()
    client = shared_redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        _queue_script(pipe, [], keys, ts)
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
