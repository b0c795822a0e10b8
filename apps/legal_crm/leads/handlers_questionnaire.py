"""Event handlers (hooks.DOC_EVENTS) of the questionnaire."""

from __future__ import annotations

from .services.questionnaire import resegment_leads


def resegment(*, service_id: int | None = None, **_payload) -> None:
    """Segment thresholds changed: the leads already scored get the segment their score now reaches."""
    resegment_leads(service_id=service_id)
