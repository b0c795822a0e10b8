"""Scheduled jobs of the call scripts (hooks.SCHEDULER_EVENTS). Safe to run twice."""

from __future__ import annotations

from .services import advance_due_enrollments, hand_over_waiting_messages


def advance_scripts() -> int:
    """Every 5 minutes: send the due script messages, end the waits, move the cards on."""
    return advance_due_enrollments() + hand_over_waiting_messages()
