"""Scheduled jobs of the portal (hooks.SCHEDULER_EVENTS); each is safe to run twice."""

from __future__ import annotations

from .services.access import close_without_contracts


def close_access_without_contracts() -> int:
    """Daily: clients with no active contract (completed or terminated longer ago than the grace period) lose
    access."""
    return close_without_contracts()
