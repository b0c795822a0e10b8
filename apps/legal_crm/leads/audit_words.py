"""Leads' audit values in words (hooks.AUDIT_KEYS): a questionnaire's answers by question."""

from __future__ import annotations

from legal_crm.core.history_text import plain_text

from .models import Question


def answers_text(value) -> str:
    """«answers» of a questionnaire entry: {question id: points} as «Есть ли имущество?» — 2; … (points, or — for an
    answer without points)."""
    if not isinstance(value, dict):
        return plain_text(value)
    names = dict(Question.objects.filter(pk__in=[k for k in value if str(k).isdigit()]).values_list("pk", "text"))
    parts = []
    for k, points in value.items():
        name = names.get(int(k), f"№ {k}") if str(k).isdigit() else k
        parts.append(f"«{name}» — {'—' if points is None else points}")
    return "; ".join(parts)
