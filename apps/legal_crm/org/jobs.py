"""Scheduled jobs of the organisation module (listed in hooks.SCHEDULER_EVENTS)."""

import datetime

from django.utils import timezone

from .models import Banner


def expire_banners() -> int:
    """Archive banners whose last day is over a week ago, so the list stays short. Idempotent."""
    cutoff = timezone.localdate() - datetime.timedelta(days=7)
    stale = Banner.objects.filter(is_archived=False).filter(ends_on__lt=cutoff) | Banner.objects.filter(
        is_archived=False, ends_on__isnull=True, starts_on__lt=cutoff
    )
    return Banner.objects.filter(pk__in=stale.values("pk")).update(is_archived=True)


def apply_due_dismissals() -> int:
    """Block the accounts of employees whose dismissal date has come (dated ahead in the dismissal form)."""
    from .services import dismissals_apply_due

    return dismissals_apply_due()
