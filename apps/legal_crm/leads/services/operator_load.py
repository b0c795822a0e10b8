"""Open leads per operator of an office, counted once per LOAD_TTL and bumped as leads are handed out.

Counting a busy office's open leads on every intake would cost more than the intake itself, so the count is
taken once per LOAD_TTL seconds and kept in the shared cache; each lead handed out adds one to its operator.
On Redis the office's load is a hash, and picking the least loaded operator and adding one is a single script
call: one round trip, and two processes never hand out from the same stale copy. The embedded default's
local-memory cache is one process, so there a lock does the same. With Redis unreachable the load is counted from
the database for every lead (the local path, whose cache reads are misses then): slower, but leads are handed out.
"""

from __future__ import annotations

import datetime
import threading

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from legal_crm.core.cache import UNREACHABLE, redis_failed, shared_redis

from .. import refcache
from ..models import Lead

LOAD_WINDOW_DAYS = 30
LOAD_TTL = 30
_NOBODY = "-"  # the field of an office without operators: its hash still exists, so "none" is not "not counted"
_NOT_COUNTED = -1

# KEYS[1]: the office's hash {operator id: open leads}. ARGV: limit per operator (0: none), seconds to keep a new
# count, k, k excluded ids, then the count as id, load pairs — sent only after a miss; the first count stored wins,
# so two processes that both missed never overwrite each other's increments.
# Returns the chosen operator's id, 0 when nobody may take the lead, -1 when the office is not counted.
_PICK_AND_BUMP = """
local limit, ttl, k = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then
  if #ARGV == 3 + k then return -1 end
  for i = 4 + k, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  redis.call('EXPIRE', KEYS[1], ttl)
end
local excluded = {}
for i = 4, 3 + k do excluded[ARGV[i]] = true end
local flat = redis.call('HGETALL', KEYS[1])
local best, best_load = 0, 0
for i = 1, #flat, 2 do
  local id, load = flat[i], tonumber(flat[i + 1])
  if id ~= '-' and not excluded[id] and (limit == 0 or load < limit) then
    local n = tonumber(id)
    if best == 0 or load < best_load or (load == best_load and n < best) then best, best_load = n, load end
  end
end
if best ~= 0 then redis.call('HINCRBY', KEYS[1], best, 1) end
return best
"""

# Gives back a pick no lead used — only while the count it was taken from is still there: on a missing hash HINCRBY
# would create one holding just that operator, and every lead would go to them until it expired.
_GIVE_BACK = """
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
return 0
"""

_local_lock = threading.Lock()
_scripts: dict[int, object] = {}


def _key(office_id: int) -> str:
    # Not the name the earlier pickled (operators, load) entry had: processes of both versions may share Redis.
    return f"leads:operator-load:{office_id}:{refcache.get().generation}"


def pick(load: dict[int, int], *, limit: int, exclude: set[int]) -> int | None:
    """The least loaded operator under the limit (ties: the lowest id) — what the Redis script does."""
    candidates = [pk for pk, n in load.items() if pk not in exclude and (not limit or n < limit)]
    return min(candidates, key=lambda pk: (load[pk], pk)) if candidates else None


def count_load(operator_ids: list[int], now: datetime.datetime) -> dict[int, int]:
    """Open leads taken in the last LOAD_WINDOW_DAYS by each of the operators (0 for those without)."""
    load = dict.fromkeys(operator_ids, 0)
    if operator_ids:
        since = now - datetime.timedelta(days=LOAD_WINDOW_DAYS)
        rows = (Lead.objects.filter(assigned_to__in=operator_ids, status__in=refcache.open_status_ids(),
                                    created_at__gte=since)
                .values("assigned_to").annotate(n=Count("id")).order_by())
        load.update({r["assigned_to"]: r["n"] for r in rows})
    return load


def take_least_loaded(office_id: int, *, operators, now: datetime.datetime, limit: int,
                      exclude: set[int]) -> int | None:
    """Choose the office's least loaded operator and count the lead on them. `operators()` lists the office's
    operators; it and the count run only when the office's load is not cached."""
    client = shared_redis()
    if client is not None:
        try:
            return _take_on_redis(client, office_id, operators=operators, now=now, limit=limit, exclude=exclude)
        except UNREACHABLE as exc:
            redis_failed(exc)
    return _take_locally(office_id, operators=operators, now=now, limit=limit, exclude=exclude)


class PickRider:
    """The pick of an office's least loaded operator, sent ahead in a Redis round trip the intake makes anyway (the
    flood counts', core.sliding_counts.counts) — one round trip fewer a lead. The office is known before the post
    is read against the database (choose_office reads only the reference cache); whether the post becomes a new
    lead of that office is not: a repeat, a spam lead or a lead sent elsewhere leaves the pick unused, and
    give_back() queues its return into the round trip that releases the phone's lease, after the commit.

    The script is sent as EVAL, not EVALSHA: a pipeline holding a registered script first asks SCRIPT EXISTS, a
    round trip of its own. An office whose load is not counted yet answers -1; take() then says nothing was
    picked and the intake counts as before (choose_operator)."""

    def __init__(self, office_id: int, *, limit: int):
        self.office_id, self.limit = office_id, limit
        self.key = cache.make_and_validate_key(_key(office_id))
        self.chosen: int | None = None  # the operator counted on, while nobody has used or given them back

    def queue(self, pipe, client) -> None:
        pipe.eval(_PICK_AND_BUMP, 1, self.key, self.limit, LOAD_TTL, 0)

    def answered(self, answers: list) -> None:
        self.chosen = int(answers[0])

    def take(self, office_id: int) -> tuple[bool, int | None]:
        """(True, operator or None when nobody may take the lead) for a new lead of the picked office — once;
        (False, None) when there is no pick to use: count as usual."""
        if self.chosen is None or self.chosen == _NOT_COUNTED or office_id != self.office_id:
            return False, None
        chosen, self.chosen = self.chosen, None
        return True, (chosen or None)

    def put_back(self, operator_id: int | None) -> None:
        """The pick take() gave went to no lead after all (the lead's INSERT found a recent lead of the phone): it
        is given back with the lease, as one never taken."""
        self.chosen = operator_id or 0

    def give_back(self, pipe) -> bool:
        """Queue the return of an unused pick into `pipe`; False when there is nothing to return."""
        chosen, self.chosen = self.chosen, None
        if not chosen or chosen == _NOT_COUNTED:
            return False
        pipe.eval(_GIVE_BACK, 1, self.key, chosen)
        return True


def pick_rider(office_id: int) -> PickRider | None:
    """A pick to send ahead for a lead of this office, where the load is kept in Redis (else None)."""
    if shared_redis() is None:
        return None
    return PickRider(office_id, limit=refcache.get().settings.max_open_leads_per_operator or 0)


def give_back(office_id: int, operator_id: int) -> None:
    """Uncount a lead take_least_loaded() counted on the operator and no lead was written for (the lead's INSERT
    found a recent lead of the phone). Rare: the pick sent ahead (PickRider) usually chose the operator."""
    client = shared_redis()
    if client is not None:
        try:
            client.eval(_GIVE_BACK, 1, cache.make_and_validate_key(_key(office_id)), operator_id)
            return
        except UNREACHABLE as exc:
            redis_failed(exc)
    with _local_lock:
        load = cache.get(_key(office_id))
        if load and load.get(operator_id):
            cache.set(_key(office_id), {**load, operator_id: load[operator_id] - 1}, LOAD_TTL)


def _take_on_redis(client, office_id: int, *, operators, now, limit: int, exclude: set[int]) -> int | None:
    key = cache.make_and_validate_key(_key(office_id))
    script = _scripts.get(id(client)) or _scripts.setdefault(id(client), client.register_script(_PICK_AND_BUMP))
    args = [limit, LOAD_TTL, len(exclude), *sorted(exclude)]
    chosen = script(keys=[key], args=args)
    if chosen == _NOT_COUNTED:
        load = count_load(operators(), now)
        fill = [item for pk, n in load.items() for item in (pk, n)]
        chosen = script(keys=[key], args=[*args, *fill, _NOBODY, 0])
    return chosen if chosen and chosen > 0 else None


def _take_locally(office_id: int, *, operators, now, limit: int, exclude: set[int]) -> int | None:
    with _local_lock:
        load = cache.get(_key(office_id))
        if load is None:
            load = count_load(operators(), now)
        chosen = pick(load, limit=limit, exclude=exclude)
        if chosen is not None:
            load = {**load, chosen: load[chosen] + 1}
        cache.set(_key(office_id), load, LOAD_TTL)
        return chosen


def forget_load(office_id: int | None = None) -> None:
    """Drop the office's counted load (after a manual reassignment): the next lead counts afresh."""
    if office_id is not None:
        cache.delete(_key(office_id))


def forget_load_after_commit(*office_ids: int | None) -> None:
    """Drop these offices' counted load once the change that moved leads in or out of them commits."""
    for office_id in set(office_ids) - {None}:
        transaction.on_commit(lambda office_id=office_id: forget_load(office_id))
