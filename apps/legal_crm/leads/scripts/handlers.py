"""Event handlers (hooks.DOC_EVENTS) that put leads into call scripts and finish their cards when the lead
refuses, goes to spam or becomes a client. Each is idempotent: a lead already active in a script stays where
it is, a finished card is not moved again."""

from __future__ import annotations

from ..models import ScriptEnrollment
from . import services as scripts

Trigger = ScriptEnrollment.Trigger


def on_lead_created(*, lead_id: int, **_payload) -> None:
    scripts.enroll_on_event(lead_id=lead_id, trigger=Trigger.ARRIVAL)


def on_lead_status_changed(*, lead_id: int, to_status: str | None = None, **_payload) -> None:
    scripts.enroll_on_event(lead_id=lead_id, trigger=Trigger.STATUS, status_code=to_status)


def on_lead_refused(*, lead_id: int, **_payload) -> None:
    scripts.finish_on_refusal(lead_id=lead_id)


def on_lead_converted(*, lead_id: int, **_payload) -> None:
    scripts.finish_on_conversion(lead_id=lead_id)


def on_lead_marked_spam(*, lead_id: int, **_payload) -> None:
    scripts.finish_on_refusal(lead_id=lead_id)


def on_lead_reengaged(*, lead_id: int, **_payload) -> None:
    scripts.enroll_on_event(lead_id=lead_id, trigger=Trigger.REENGAGE)


def on_call_planned(*, lead_id: int, **_payload) -> None:
    scripts.enroll_on_event(lead_id=lead_id, trigger=Trigger.PLANNED_CALL)
