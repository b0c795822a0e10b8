"""The lead type from how it arrived (SPEC 5.2.2): partner → source → source channel → online."""

from __future__ import annotations

from .. import refcache

# Source channel → lead type code, when the source names no type of its own.
CHANNEL_TYPES = {
    "site": "online", "context": "online", "seo": "online", "social": "social", "messenger": "messenger",
    "phone": "incoming_call", "partner": "partners", "offline": "marketing", "media": "marketing",
    "referral": "cross_sale", "other": "online",
}


def resolve_lead_type(*, source=None, partner=None, requested_code: str | None = None):
    """The partner's and the source's own lead types are leads' rows (PartnerLeadType, SourceLeadType), read from
    the reference cache with the types."""
    ref = refcache.get()
    types, by_pk = ref.type_by_code, ref.type_by_pk
    if requested_code and requested_code in types:
        return types[requested_code]
    if partner is not None and ref.type_by_partner.get(partner.pk) in by_pk:
        return by_pk[ref.type_by_partner[partner.pk]]
    if source is not None:
        if ref.type_by_source.get(source.pk) in by_pk:
            return by_pk[ref.type_by_source[source.pk]]
        code = CHANNEL_TYPES.get(source.channel)
        if code in types:
            return types[code]
    if partner is not None and "partners" in types:
        return types["partners"]
    return types.get("online") or next(iter(types.values()))
