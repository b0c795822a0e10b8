"""Finance's audit values in words (hooks.AUDIT_KEYS): a plan's lines by article, a payroll run's count of lines."""

from __future__ import annotations

from legal_crm.core.formatting import format_money
from legal_crm.core.history_text import names_by_id, plain_text

from .models import Article


def lines_text(value) -> str:
    """«lines» of an entry: a plan's {article id: amount} as «Реклама: 55 000,00 ₽; …», or a number of lines."""
    if not isinstance(value, dict):
        return plain_text(value)
    names = names_by_id(Article, value)
    return "; ".join(f"{names[k]}: {format_money(amount)}" for k, amount in value.items())
