"""Reads of campaigns: what a user may see (office scope) and a campaign's figures."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from legal_crm.messaging.models import Message
from legal_crm.org.selectors import scope_to_offices

from . import perms
from .cost import SUBJECT_TYPE, actual_cost
from .models import Campaign, CampaignRecipient

WAITING = (Message.Status.QUEUED, Message.Status.SENDING)


def campaign_list_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns of the user's offices; those of all offices only with the "all offices" right."""
    qs = Campaign.objects.select_related("office", "created_by")
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perms.VIEW_CAMPAIGN):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def campaign_messages(campaign: Campaign) -> QuerySet[Message]:
    return Message.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(campaign.pk))


def waiting_messages(campaign: Campaign) -> QuerySet[Message]:
    """The campaign's messages still in the outbox: queued (a provider down: retried with a backoff) or being sent."""
    return campaign_messages(campaign).filter(status__in=WAITING)


def status_text(campaign: Campaign, stats: dict) -> str:
    """The campaign's state as its page says it: a running campaign whose recipients are all handed to the outbox
    says how many of its messages still wait there."""
    if campaign.status == Campaign.Status.RUNNING and not stats["pending"] and stats["queued"]:
        return _("Отправляется: в очереди сообщений — %(n)s") % {"n": stats["queued"]}
    return str(campaign.get_status_display())


def campaign_stats(campaign: Campaign) -> dict:
    """Counts of the recipients and of their messages' fates, and the cost planned and actual."""
    rcpt = dict(CampaignRecipient.objects.filter(campaign=campaign).values_list("status").annotate(n=Count("id"))
                .order_by())
    msgs = dict(campaign_messages(campaign).values_list("status").annotate(n=Count("id")).order_by())
    R, M = CampaignRecipient.Status, Message.Status
    return {
        "recipients": sum(rcpt.values()),
        "pending": rcpt.get(R.PENDING, 0),
        "queued": msgs.get(M.QUEUED, 0) + msgs.get(M.SENDING, 0),
        "sent": msgs.get(M.SENT, 0),
        "delivered": msgs.get(M.DELIVERED, 0),
        "failed": msgs.get(M.FAILED, 0),
        "cancelled": rcpt.get(R.CANCELLED, 0) + msgs.get(M.CANCELLED, 0),
        "skipped_no_consent": rcpt.get(R.SKIPPED_NO_CONSENT, 0),
        # refused before the start, or while the campaign ran (the outbox skips them at queueing)
        "skipped_opted_out": rcpt.get(R.SKIPPED_OPTED_OUT, 0) + msgs.get(M.SKIPPED, 0),
        "skipped_duplicate": rcpt.get(R.SKIPPED_DUPLICATE, 0),
        "skipped_bad_address": rcpt.get(R.SKIPPED_BAD_ADDRESS, 0),
        "planned_cost": campaign.planned_cost,
        "actual_cost": actual_cost(campaign),
    }


def recipients_of(campaign: Campaign) -> QuerySet[CampaignRecipient]:
    return CampaignRecipient.objects.filter(campaign=campaign).select_related("message").order_by("id")
