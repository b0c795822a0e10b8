"""Scheduled jobs of the portal (hooks.SCHEDULER_EVENTS); each is safe to run twice."""

from __future__ import annotations

from .services.access import close_without_contracts


def close_access_without_contracts() -> int:
    """Daily: clients with no active contract (completed or terminated longer ago than the grace period) lose
    access."""
    return close_without_contracts()


def prune_login_codes() -> int:
    """Daily: sign-in codes and wrong-password marks older than the longest rate-limit window (a day) are of no
    use any more; the table stays small."""
    import datetime

    from django.utils import timezone

    from .models import LoginCode

    deleted, _ = LoginCode.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=2)).delete()
    return deleted
