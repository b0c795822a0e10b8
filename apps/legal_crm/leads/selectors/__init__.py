"""Reads of the leads module. `from legal_crm.leads import selectors` gives the lists (lists.py: what a user may
see, phone search, filters); the lead card's reads are in selectors/card.py, the call scripts' in
leads/scripts/selectors.py."""

from .lists import (
    LIST_RELATED,
    PREFIX_MATCHES_MAX,
    assignee_choices,
    client_office_link,
    distribution_rule_list_visible_to,
    filter_by_phone,
    filter_leads,
    is_phone_search,
    lead_is_visible_to,
    lead_list_visible_to,
    overdue_calls,
    partner_of,
    planned_calls_visible_to,
)

__all__ = [
    "LIST_RELATED", "PREFIX_MATCHES_MAX", "assignee_choices", "client_office_link",
    "distribution_rule_list_visible_to", "filter_by_phone", "filter_leads", "is_phone_search", "lead_is_visible_to",
    "lead_list_visible_to", "overdue_calls", "partner_of", "planned_calls_visible_to",
]
