"""The bell's unread count. A counter row per person (models.UnreadCounter) is moved by the writes themselves —
notify() adds the unread rows it wrote, «прочитано» takes away the rows it marked — in their transactions, so it
is exact and never recounted on a page: a desk page reads it with one query by primary key (no COUNT over the
person's notifications, however many there are). No cache in front of it: reading the row costs what a cache
lookup does (bench/RESULTS.md «Notifications»), so there is no cold page after a cache reset, no invalidation
after commit and nothing stale when Redis is down."""

from __future__ import annotations

from collections import Counter

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest

from ..models import Notification, UnreadCounter

CAP = 100  # the bell shows «99+»


def unread_count(user) -> int:
    return min(CAP, _stored(user.pk))


def _stored(user_id: int) -> int:
    """The counter row's value. Plain SQL on purpose: this runs on every desk page, and building the ORM query cost
    more CPU than the query itself (bench/RESULTS.md «Notifications»)."""
    table = connection.ops.quote_name(UnreadCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT unread FROM {table} WHERE user_id = %s", [user_id])
        row = cursor.fetchone()
    return row[0] if row else 0


def added(user_ids) -> None:
    """notify() wrote unread rows for these people (one id per row), in the caller's transaction: one UPDATE per
    distinct number of new rows (usually one for everybody) and one insert of the first-time people's rows."""
    counts = Counter(user_ids)
    if not counts:
        return
    existing = set(UnreadCounter.objects.filter(user_id__in=list(counts)).values_list("user_id", flat=True))
    by_n: dict[int, list[int]] = {}
    for user_id in existing:
        by_n.setdefault(counts[user_id], []).append(user_id)
    for n, ids in by_n.items():
        UnreadCounter.objects.filter(user_id__in=ids).update(unread=F("unread") + n)
    first = [user_id for user_id in counts if user_id not in existing]
    if not first:
        return
    try:
        with transaction.atomic():  # these people's first notifications: their rows do not exist yet
            UnreadCounter.objects.bulk_create([UnreadCounter(user_id=u, unread=counts[u]) for u in first],
                                              batch_size=1000)
    except IntegrityError:  # some created meanwhile by a parallel notify(): person by person
        for user_id in first:
            _add_one(user_id, counts[user_id])


def _add_one(user_id: int, n: int) -> None:
    if UnreadCounter.objects.filter(user_id=user_id).update(unread=F("unread") + n):
        return
    try:
        with transaction.atomic():
            UnreadCounter.objects.create(user_id=user_id, unread=n)
    except IntegrityError:  # created meanwhile by a parallel notify()
        UnreadCounter.objects.filter(user_id=user_id).update(unread=F("unread") + n)


def taken(user_id: int, n: int) -> None:
    """«Прочитано» marked `n` of the person's unread rows (the UPDATE's row count), in the caller's transaction."""
    if n:
        UnreadCounter.objects.filter(user_id=user_id).update(unread=Greatest(F("unread") - n, 0))


def recount(user_ids=None) -> int:
    """Set the counters from the rows themselves (the migration that adds them, the demo and the benchmark, which
    write notifications directly). None: everybody's. Returns the number of counters written."""
    unread = Notification.objects.filter(read_at__isnull=True)
    if user_ids is not None:
        user_ids = list(set(user_ids))
        unread = unread.filter(user_id__in=user_ids)
    counts = dict(unread.order_by().values_list("user_id").annotate(n=Count("id")))
    with transaction.atomic():
        stale = UnreadCounter.objects.all() if user_ids is None else UnreadCounter.objects.filter(user_id__in=user_ids)
        stale.exclude(user_id__in=list(counts)).update(unread=0)
        existing = set(UnreadCounter.objects.filter(user_id__in=list(counts)).values_list("user_id", flat=True))
        UnreadCounter.objects.bulk_create([UnreadCounter(user_id=u, unread=n) for u, n in counts.items()
                                           if u not in existing], batch_size=1000)
        for user_id in existing:
            UnreadCounter.objects.filter(user_id=user_id).update(unread=counts[user_id])
    return len(counts)
