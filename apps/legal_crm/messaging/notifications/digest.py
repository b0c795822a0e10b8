"""The daily digest: once a day, at the time of the person's group (in their own time zone), their unread
notifications older than the group's N hours go by e-mail / Telegram in one message.

Safe to run twice and in parallel: a person's day is claimed by one conditional UPDATE of NotificationDigest
(sent_on < today → today); only the run that claimed it sends, and the rows it covered are marked digested so a
later digest never repeats them."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.org.time_zone import employee_zone

from ..models import Method, Notification, NotificationDigest
from . import policy
from .kinds import kind_label
from .service import _send_copies

MAX_LINES = 30


def _digest_methods(user) -> set[str]:
    """The external methods the person uses for any kind (the digest goes where their notifications go)."""
    from .kinds import all_kinds

    methods: set[str] = set()
    for kind in all_kinds():
        methods |= policy.effective_methods([user], kind)[user.pk]
    return methods & {Method.TELEGRAM, Method.EMAIL}


def send_digests(now: datetime.datetime | None = None) -> int:
    """Every 5 minutes: digests that came due; returns how many were sent."""
    now = now or timezone.now()
    User = get_user_model()
    # Only people with unread rows not yet digested: the rest need no look at their groups.
    user_ids = (Notification.objects.filter(read_at__isnull=True, digested_at__isnull=True)
                .values_list("user_id", flat=True).distinct())
    sent = 0
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True).select_related("employee__main_office"):
        sent += _digest_one(user, now)
    return sent


def _digest_one(user, now) -> int:
    schedule = policy.schedule_for(user)
    if schedule is None or schedule.digest_at is None:
        return 0
    zone = employee_zone(user)
    local = now.astimezone(zone)
    if local.time().replace(tzinfo=None) < schedule.digest_at:
        return 0
    older_than = now - datetime.timedelta(hours=schedule.digest_after_hours)
    with transaction.atomic():
        rows = list(Notification.objects.select_for_update().filter(
            user=user, read_at__isnull=True, digested_at__isnull=True, created_at__lte=older_than)
            .order_by("created_at", "id"))
        if not rows:
            return 0
        NotificationDigest.objects.get_or_create(user=user)
        claimed = NotificationDigest.objects.filter(user=user).filter(
            Q(sent_on__isnull=True) | Q(sent_on__lt=local.date())).update(sent_on=local.date())
        if not claimed:
            return 0  # today's digest went already
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(digested_at=now)
        methods = _digest_methods(user)
        if not methods:
            return 0
        lines = [_("Непрочитанные уведомления: %(n)s") % {"n": len(rows)}]
        lines += [f"• {timezone.localtime(r.created_at, zone):%d.%m %H:%M} {kind_label(r.kind)}: {r.title}"
                  for r in rows[:MAX_LINES]]
        if len(rows) > MAX_LINES:
            lines.append(_("…и ещё %(n)s") % {"n": len(rows) - MAX_LINES})
        return 1 if _send_copies(user, rows[-1], methods, now, text="\n".join(lines)) else 0


