"""Desk search helpers."""

from __future__ import annotations

from .validators import normalize_phone


class PhoneSearchMixin:
    """For a ModelAdmin whose search_fields hold "=phone": phones are stored in E.164, so that exact lookup
    alone finds only "+79167771122". A search term that is a phone typed any way ("89167771122",
    "8 (916) 777-11-22") also finds the rows with that phone, on the indexed column."""

    phone_search_field = "phone"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        phone = normalize_phone((search_term or "").strip())
        if phone is not None:
            results = results | queryset.filter(**{self.phone_search_field: phone})
        return results, may_have_duplicates
