"""Who gets a kind by which method, and when an external send may go (quiet hours in the employee's time zone).

A person's methods = what they picked (or the kind's defaults) ∩ what any of their groups allows (a group without
a rule for the kind allows the kind's defaults). Quiet hours and the digest come from the first of the person's
groups (by name) that sets them.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import F

from ..models import NotificationPreference, NotificationRule, NotificationSchedule
from .kinds import METHODS, default_methods


def _flags(row) -> set[str]:
    return {m for m in METHODS if getattr(row, m)}


def allowed_methods(users, kind: str) -> dict[int, set[str]]:
    """user id → the methods their groups allow for `kind` (3 queries for any number of users)."""
    User = get_user_model()
    user_ids = [u.pk for u in users]
    groups_of: dict[int, list[int]] = {uid: [] for uid in user_ids}
    for uid, gid in User.groups.through.objects.filter(user_id__in=user_ids).values_list("user_id", "group_id"):
        groups_of[uid].append(gid)
    rules = {r.group_id: _flags(r) for r in NotificationRule.objects.filter(kind=kind)}
    defaults = set(default_methods(kind))
    allowed = {}
    for user in users:
        if user.is_superuser and not groups_of[user.pk]:
            allowed[user.pk] = set(defaults)
            continue
        methods: set[str] = set()
        for gid in groups_of[user.pk]:
            methods |= rules.get(gid, defaults)
        allowed[user.pk] = methods
    return allowed


def effective_methods(users, kind: str) -> dict[int, set[str]]:
    """user id → the methods this kind reaches them by; an empty set: the kind is off for them."""
    allowed = allowed_methods(users, kind)
    prefs = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users], kind=kind)}
    result = {}
    for user in users:
        pref = prefs.get(user.pk)
        if pref is not None and not pref.enabled:
            result[user.pk] = set()
            continue
        chosen = _flags(pref) if pref is not None else set(default_methods(kind))
        result[user.pk] = chosen & allowed[user.pk]
    return result


def schedule_for(user) -> NotificationSchedule | None:
    """The quiet hours and digest of the person's first group (by name) that sets any."""
    return (NotificationSchedule.objects.filter(group__user=user).order_by("group__name").first())


def schedules_for(user_ids) -> dict[int, NotificationSchedule]:
    """`schedule_for` of many people in one query: user id → the first (by group name) of their groups' schedules."""
    found: dict[int, NotificationSchedule] = {}
    rows = (NotificationSchedule.objects.filter(group__user__in=list(user_ids))
            .annotate(member_id=F("group__user")).order_by("group__name"))
    for schedule in rows:
        found.setdefault(schedule.member_id, schedule)
    return found


def quiet_until(schedule: NotificationSchedule | None, zone, now: datetime.datetime) -> datetime.datetime | None:
    """When the quiet period around `now` ends (UTC), or None when `now` is not quiet. 22:00–08:00 spans midnight."""
    if schedule is None or schedule.quiet_from is None or schedule.quiet_to is None \
            or schedule.quiet_from == schedule.quiet_to:
        return None
    local = now.astimezone(zone)
    t = local.time().replace(tzinfo=None)
    start, end = schedule.quiet_from, schedule.quiet_to
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + datetime.timedelta(days=1)
    ends = datetime.datetime.combine(end_day, end, tzinfo=zone)
    return ends.astimezone(datetime.UTC)
