"""The desk lead list's rows as plain values, computed once per row here so the page renders them in one template
pass (leads/templates/admin/leads/lead/): unfold's generic rendering looked up every cell through the admin
(lookup_field, display_for_field, format_html, a reverse() per link) — about nine tenths of the page's time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.validators import format_phone

from ..models import Lead

# The list's columns in their order (LeadAdmin.list_display); the one-pass rows render exactly these.
LIST_COLUMNS = ("created", "lead_name", "phone_link", "status_badge", "type", "source", "office", "assigned_to")


@dataclass(frozen=True, slots=True)
class LeadRow:
    pk: int
    created: str  # local time, as the column shows it
    name: str
    phone: str  # E.164, for the tel: link
    phone_display: str
    status: str
    status_color: str
    type: str | None  # None: shown as the desk's empty value
    source: str | None
    office: str | None
    assigned_to: str | None
    change_url: str
    card_url: str


def url_pattern(url_for_pk) -> tuple[str, str]:
    """A URL of one lead as the two halves around its pk: every row's link is then a concatenation, not a
    reverse(). `url_for_pk(pk)` builds the URL; the pk is a digit string, so a marker of digits stays intact
    through quoting and preserved filters."""
    marker = "9" * 19  # longer than any real id, so never confused with digits elsewhere in the URL
    url = url_for_pk(marker)
    head, _sep, tail = url.partition(marker)
    return head, tail


def created_text(lead: Lead) -> str:
    return timezone.localtime(lead.created_at).strftime("%d.%m.%Y %H:%M")


def lead_rows(leads: Iterable[Lead], *, change_url: tuple[str, str], card_url: tuple[str, str]) -> list[LeadRow]:
    """The rows of leads read with LIST_RELATED (select_related): no query here."""
    no_name = _("Без имени")
    rows = []
    for lead in leads:
        status, lead_type, source, office, owner = (lead.status, lead.type, lead.source, lead.office,
                                                    lead.assigned_to)
        pk = str(lead.pk)
        rows.append(LeadRow(
            pk=lead.pk, created=created_text(lead), name=lead.name or no_name, phone=lead.phone,
            phone_display=format_phone(lead.phone), status=status.name, status_color=status.color,
            type=str(lead_type) if lead_type is not None else None,
            source=str(source) if source is not None else None,
            office=str(office) if office is not None else None,
            assigned_to=str(owner) if owner is not None else None,
            change_url=change_url[0] + pk + change_url[1], card_url=card_url[0] + pk + card_url[1]))
    return rows
