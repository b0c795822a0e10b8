"""The capped paginator lives in core (core.paginators); leads.admin and leads.api still import it from here."""

from legal_crm.core.paginators import CappedPaginator, rows_by_ids

__all__ = ["CappedPaginator", "rows_by_ids"]
