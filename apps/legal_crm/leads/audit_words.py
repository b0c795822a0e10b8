"""Leads' audit values in words (hooks.AUDIT_KEYS): a questionnaire's answers by question."""

from __future__ import annotations

from legal_crm.core.history_text import names_by_id, plain_text

from .models import Question


def answers_text(value) -> str:
    """«answers» of a questionnaire entry: {question id: points} as «Есть ли имущество?» — 2; … (points, or — for an
    answer without points)."""
    if not isinstance(value, dict):
        return plain_text(value)
    names = names_by_id(Question, value, "text")
    return "; ".join(f"«{names[k]}» — {'—' if points is None else points}" for k, points in value.items())
