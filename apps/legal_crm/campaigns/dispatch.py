"""The dispatcher (every minute): moves due campaigns' recipients into messaging's outbox, batch by batch.

A batch is taken under the campaign's row lock (SELECT … FOR UPDATE SKIP LOCKED: a second dispatcher running at
the same time passes the campaign by), rendered in bulk, written with `message_queue_many` and the recipients
marked "queued" with their message in the same transaction — so a run killed midway leaves nothing half done, and a
run repeated finds those recipients no longer pending. Nothing is queued outside:
- the campaign's allowed weekdays and sending hours, both in the recipient's local time (their office's time
  zone; a recipient without an office follows the server's zone);
- the day limit: messages queued since the start of the current day (server's time zone) count against it.
A campaign is finished when no recipient waits and none of its messages waits in the outbox either (queued or being
sent: a provider down keeps them there, retried, until they go or fail for good) — until then it is running.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo

from django.db import connection, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone

from legal_crm.core.events import emit
from legal_crm.messaging.services import message_queue_many
from legal_crm.messaging.tags import Recipient, render_many
from legal_crm.org.models import Office

from .cost import SUBJECT_TYPE
from .models import Campaign, CampaignRecipient
from .render import campaign_text
from .selectors import waiting_messages

BATCH = 5000  # one transaction each: 20 for a campaign of 100,000
RUN_SECONDS = 240  # the per-minute job's limit is 5 minutes: leave the rest to the next run

Status = CampaignRecipient.Status


def is_open(campaign: Campaign, now: datetime.datetime, tz) -> bool:
    """May a recipient living in `tz` get the campaign's message at `now`?"""
    local = now.astimezone(tz)
    return (str(local.isoweekday()) in campaign.weekdays
            and campaign.hours_from <= local.time().replace(tzinfo=None) < campaign.hours_to)


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def open_offices(campaign: Campaign, now: datetime.datetime) -> tuple[list[int], bool]:
    """(ids of offices whose local time is inside the window, whether recipients without an office are too)."""
    ids = [pk for pk, tz in Office.objects.values_list("id", "time_zone") if is_open(campaign, now, _zone(tz))]
    return ids, is_open(campaign, now, timezone.get_default_timezone())


def _day_start(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def dispatch_due(*, now: datetime.datetime | None = None, run_seconds: float = RUN_SECONDS) -> int:
    """Queue what is due of every scheduled or running campaign; the number of messages queued."""
    fixed = now
    deadline = time.monotonic() + run_seconds
    queued = 0
    ids = list(Campaign.objects.filter(status__in=[Campaign.Status.SCHEDULED, Campaign.Status.RUNNING])
               .order_by("id").values_list("id", flat=True))
    for campaign_id in ids:
        while time.monotonic() < deadline:
            done = dispatch_batch(campaign_id, now=fixed or timezone.now())
            queued += done
            if not done:
                break
    return queued


@transaction.atomic
def dispatch_batch(campaign_id: int, *, now: datetime.datetime, size: int = BATCH) -> int:
    """One batch of one campaign; 0 when nothing more may go now."""
    campaign = (Campaign.objects.select_for_update(skip_locked=True)
                .filter(pk=campaign_id, status__in=[Campaign.Status.SCHEDULED, Campaign.Status.RUNNING]).first())
    if campaign is None:
        return 0  # paused, cancelled, finished, or another dispatcher holds it
    if campaign.status == Campaign.Status.SCHEDULED:
        if campaign.starts_at and campaign.starts_at > now:
            return 0
        campaign.status = Campaign.Status.RUNNING
        campaign.save(update_fields=["status", "updated_at"])
    pending = CampaignRecipient.objects.filter(campaign=campaign, status=Status.PENDING)
    if not pending.exists():
        if waiting_messages(campaign).exists():
            return 0  # all handed to the outbox, not all sent yet (a provider down): still going, not finished
        campaign.status = Campaign.Status.FINISHED
        campaign.finished_at = now
        campaign.save(update_fields=["status", "finished_at", "updated_at"])
        emit("campaigns.campaign_finished", campaign_id=campaign.pk)
        return 0
    room = size
    if campaign.daily_limit:
        today = CampaignRecipient.objects.filter(campaign=campaign, queued_at__gte=_day_start(now)).count()
        room = min(room, campaign.daily_limit - today)
        if room <= 0:
            return 0
    offices, no_office_open = open_offices(campaign, now)
    if not offices and not no_office_open:
        return 0
    from django.db.models import Q

    window = Q(office_id__in=offices) if offices else Q(pk__in=[])
    if no_office_open:
        window |= Q(office__isnull=True)
    batch = list(pending.filter(window).order_by("id").values_list(*COLUMNS)[:room])
    if not batch:
        return 0
    recipients = [Recipient(address=row[2], name=row[3], office_id=row[4], region=row[5], lead_id=row[6],
                            counterparty_id=row[7], contract_id=row[8]) for row in batch]
    texts = render_many(campaign_text(campaign), recipients)
    blank = [row[0] for row, text in zip(batch, texts, strict=True) if not text.strip()]
    if blank:  # a text of tags only, all empty for them: nothing to send — cancelled, not a batch refused for ever
        CampaignRecipient.objects.filter(pk__in=blank).update(status=Status.CANCELLED)
        kept = [i for i, text in enumerate(texts) if text.strip()]
        batch, recipients, texts = [batch[i] for i in kept], [recipients[i] for i in kept], [texts[i] for i in kept]
        if not batch:
            return len(blank)
    message_ids = message_queue_many(
        actor_or_none=None, channel_kind=campaign.kind, advertising=campaign.is_advertising,
        subject_type=SUBJECT_TYPE, normalized=True,  # frozen through normalize_address (audience.recipients)
        items=[(r.address, text, r.office_id, campaign.pk) for r, text in zip(recipients, texts, strict=True)])
    _mark_queued(campaign.pk, [row[0] for row in batch], message_ids, now)
    return len(batch) + len(blank)


# What a batch reads of its recipients.
COLUMNS = ("id", "campaign_id", "address", "name", "office_id", "region", "lead_id", "counterparty_id", "contract_id")
# What the upsert below writes: the id and the three columns that change, and blanks for the other NOT NULL columns
# (the rows exist, so the INSERT half never stores them; it only has to be a valid row).
UPSERT_COLUMNS = ("id", "campaign_id", "address", "name", "region", "status", "message_id", "queued_at")
CHANGED = ("status", "message_id", "queued_at")


def _runs(ids: list[int], message_ids: list[int]) -> list[tuple[int, int, int]]:
    """(first id, last id, message id − id) of each stretch where both ids go up by one together."""
    runs: list[tuple[int, int, int]] = []
    for pk, mid in zip(ids, message_ids, strict=True):
        if runs and pk == runs[-1][1] + 1 and mid - pk == runs[-1][2]:
            runs[-1] = (runs[-1][0], pk, runs[-1][2])
        else:
            runs.append((pk, pk, mid - pk))
    return runs


def _mark_queued(campaign_id: int, ids: list[int], message_ids: list[int], now) -> None:
    """Each recipient queued with its message. Recipients are frozen in bulk (consecutive ids) and a multi-row INSERT
    numbers its messages consecutively, so a batch is usually one stretch where message id = recipient id + a
    constant: one range UPDATE by primary key (`message_id = id + delta`) per stretch. When the ids are scattered
    (many short stretches) the rows go through an upsert instead."""
    runs = _runs(ids, message_ids)
    at = connection.ops.adapt_datetimefield_value(now)
    if len(runs) * 20 > len(ids):
        _upsert_queued(campaign_id, ids, message_ids, at)
        return
    table = connection.ops.quote_name(CampaignRecipient._meta.db_table)
    with connection.cursor() as cursor:
        for first, last, delta in runs:
            cursor.execute(f"UPDATE {table} SET status = %s, queued_at = %s, message_id = id + %s "
                           "WHERE campaign_id = %s AND id BETWEEN %s AND %s",
                           [Status.QUEUED, at, delta, campaign_id, first, last])


def _upsert_queued(campaign_id: int, ids: list[int], message_ids: list[int], at, chunk: int = 2000) -> None:
    """One INSERT … ON DUPLICATE KEY UPDATE (ON CONFLICT on SQLite) per chunk with two parameters a row — linear in the
    database, where the ORM's bulk_update builds a CASE per row and value (quadratic in MariaDB)."""
    qn = connection.ops.quote_name
    suffix = connection.ops.on_conflict_suffix_sql(None, OnConflict.UPDATE, list(CHANGED), ["id"])
    head = f"INSERT INTO {qn(CampaignRecipient._meta.db_table)} ({', '.join(qn(c) for c in UPSERT_COLUMNS)}) VALUES "
    one = f"(%s, {int(campaign_id)}, '', '', '', '{Status.QUEUED}', %s, %s)"
    with connection.cursor() as cursor:
        for i in range(0, len(ids), chunk):
            part = list(zip(ids[i:i + chunk], message_ids[i:i + chunk], strict=True))
            cursor.execute(f"{head}{', '.join([one] * len(part))} {suffix}",
                           [v for pk, mid in part for v in (pk, mid, at)])
