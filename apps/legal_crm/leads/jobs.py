"""Scheduled jobs of the leads module (listed in hooks.SCHEDULER_EVENTS). Each is safe to run twice."""

from .services import reengage_due_leads


def reengage_refused_leads() -> int:
    """Daily: re-open refused leads whose refusal status says "back to work after N days"."""
    return reengage_due_leads()
