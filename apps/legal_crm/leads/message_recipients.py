"""Recipients of messages found by phone or name, for messaging's template preview (hooks.MESSAGE_RECIPIENT_LOOKUP):
leads the user sees, then client cards the user sees that none of those leads carries."""

from __future__ import annotations

import re

from django.db.models import Q

from legal_crm.directory.models import Counterparty
from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.messaging.selectors import RECIPIENT_QUERY_MIN_CHARS, RECIPIENT_QUERY_MIN_DIGITS
from legal_crm.messaging.tags import Recipient

from .selectors import lead_list_visible_to


def recipient_for_lead(lead) -> Recipient:
    client = lead.client
    return Recipient(address=lead.phone, name=lead.name or (client.name if client else ""), office_id=lead.office_id,
                     region=client.region if client else "", lead_id=lead.pk, counterparty_id=lead.client_id)


def _match(query: str, phone_field: str, name_field: str) -> Q | None:
    digits = re.sub(r"\D", "", query)
    if len(digits) >= RECIPIENT_QUERY_MIN_DIGITS:
        # +7 916… or 8 916…: the stored number is E.164, so the national prefix is dropped.
        if len(digits) == 11 and digits[0] in "78":
            digits = digits[1:]
        return Q(**{f"{phone_field}__contains": digits})
    query = query.strip()
    return Q(**{f"{name_field}__icontains": query}) if len(query) >= RECIPIENT_QUERY_MIN_CHARS else None


def lookup(user, query: str, limit: int = 10) -> list[Recipient]:
    lead_q = _match(query, "phone", "name")
    if lead_q is None:
        return []
    leads = list(lead_list_visible_to(user).filter(lead_q).select_related("client").order_by("-id")[:limit])
    found = [recipient_for_lead(lead) for lead in leads]
    seen_clients = {lead.client_id for lead in leads if lead.client_id}
    if len(found) < limit:
        clients = (counterparty_list_visible_to(user).filter(_match(query, "phone", "name"),
                                                             role=Counterparty.Role.CLIENT)
                   .exclude(phone="").exclude(pk__in=seen_clients).order_by("-id")[:limit - len(found)])
        office_of = {}
        ids = [c.pk for c in clients]
        if ids:  # the office of the client's newest lead: where the client is served
            for client_id, office_id in (lead_list_visible_to(user).filter(client_id__in=ids, office__isnull=False)
                                         .order_by("id").values_list("client_id", "office_id")):
                office_of[client_id] = office_id
        found += [Recipient(address=c.phone, name=c.name, office_id=office_of.get(c.pk), region=c.region,
                            counterparty_id=c.pk) for c in clients]
    return found
