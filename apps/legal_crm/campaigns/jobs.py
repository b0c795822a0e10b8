"""Jobs of campaigns (hooks.SCHEDULER_EVENTS). Safe to run twice and in parallel (dispatch.py)."""

from __future__ import annotations

from . import dispatch


def dispatch_due() -> int:
    """Every minute: queue the due batches of scheduled and running campaigns."""
    return dispatch.dispatch_due()
