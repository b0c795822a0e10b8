"""Search on quality's lists by a contract's number, for readers who may view that contract only."""

from __future__ import annotations


class VisibleContractNumberSearch:
    """The typed text also matches the row's contract number — only where `contract_visible` (the queryset comes
    annotated by quality.selectors.with_contract_visibility): an operator, who reads no contract numbers on these
    pages, cannot learn by searching which review or complaint belongs to a contract."""

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found = found | queryset.filter(contract_visible=True, contract__number__icontains=term)
        return found, may_have_duplicates
