"""What billing puts on the contract card (hooks.CONTRACT_CARD_TABS)."""

from __future__ import annotations


def money_tab(request, contract) -> str:
    """The Money tab: invoices, the schedule, payments and the balance (the template reads them itself)."""
    return "billing/contract_money_tab.html"
