"""Who a campaign reaches: the filters over leads and clients, read through the owning modules' selectors with the
actor's office scope (a marketer who may not see contracts reaches no clients), then one row per address.

Clients come first (their row knows the contract, for the «amount due» tags), then leads. An address met again is a
duplicate (counted, not sent twice). Consent to advertising is the leads' `consent_ads` (38-ФЗ): a client consented
when one of their leads did, or a lead with the same phone did.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Sum
from django.utils import timezone

from legal_crm.billing.models import Invoice
from legal_crm.billing.selectors import invoice_list_visible_to
from legal_crm.contracts.models import Contract
from legal_crm.contracts.selectors import contract_list_visible_to
from legal_crm.core.errors import DomainError
from legal_crm.leads.models import Lead
from legal_crm.leads.selectors import lead_list_visible_to
from legal_crm.messaging.services import normalize_address

from .models import Campaign, CampaignRecipient

E164_RU = re.compile(r"\+7[1-9]\d{9}")  # a Russian number as normalize_phone writes it

Status = CampaignRecipient.Status


@dataclass
class Candidate:
    address: str
    name: str = ""
    office_id: int | None = None
    lead_id: int | None = None
    counterparty_id: int | None = None
    contract_id: int | None = None
    region: str = ""
    consent: bool = False


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _contact_bounds(campaign: Campaign) -> dict:
    bounds = {}
    if campaign.last_contact_after:
        bounds["last_contact_at__gte"] = _day_start(campaign.last_contact_after)
    if campaign.last_contact_before:
        bounds["last_contact_at__lt"] = _day_start(campaign.last_contact_before + datetime.timedelta(days=1))
    return bounds


def _ids(related) -> list[int]:
    return list(related.values_list("id", flat=True))


def lead_rows(actor, campaign: Campaign, filters: dict):
    qs = lead_list_visible_to(actor).filter(is_spam=False)
    if campaign.office_id:
        qs = qs.filter(office_id=campaign.office_id)
    if filters["statuses"]:
        qs = qs.filter(status_id__in=filters["statuses"])
    if filters["services"]:
        qs = qs.filter(service_id__in=filters["services"])
    if filters["tags"]:
        qs = qs.filter(pk__in=Lead.tags.through.objects.filter(tag_id__in=filters["tags"]).values("lead_id"))
    if campaign.segment:
        qs = qs.filter(segment=campaign.segment)
    qs = qs.filter(**_contact_bounds(campaign))
    address = "client__email" if campaign.kind == Campaign.Kind.EMAIL else "phone"
    for row in qs.order_by("id").values_list("id", address, "name", "office_id", "client_id", "consent_ads").iterator(
            chunk_size=5000):
        lead_id, addr, name, office_id, client_id, consent = row
        yield Candidate(address=addr or "", name=name, office_id=office_id, lead_id=lead_id,
                        counterparty_id=client_id, consent=consent)


def client_rows(actor, campaign: Campaign, filters: dict):
    qs = contract_list_visible_to(actor).exclude(status__in=[Contract.Status.DRAFT, Contract.Status.TERMINATED])
    if campaign.office_id:
        qs = qs.filter(office_id=campaign.office_id)
    if filters["services"]:
        qs = qs.filter(service_id__in=filters["services"])
    if filters["tags"]:
        qs = qs.filter(client__tags__in=filters["tags"])
    client_leads = lead_list_visible_to(actor).filter(client_id=OuterRef("client_id"))
    if campaign.segment or campaign.last_contact_after or campaign.last_contact_before:
        more = {"segment": campaign.segment} if campaign.segment else {}
        qs = qs.filter(Exists(client_leads.filter(**more, **_contact_bounds(campaign))))
    if campaign.debt_min is not None:
        overdue = (invoice_list_visible_to(actor)
                   .filter(status__in=Invoice.OPEN_STATUSES, due_date__lt=timezone.localdate())
                   .values("contract_id").annotate(debt=Sum(F("amount") - F("paid_amount")))
                   .filter(debt__gte=campaign.debt_min).values("contract_id"))
        qs = qs.filter(pk__in=overdue)
    consented = Lead.objects.filter(client_id=OuterRef("client_id"), consent_ads=True)
    address = "client__email" if campaign.kind == Campaign.Kind.EMAIL else "client__phone"
    qs = qs.annotate(consent=Exists(consented)).order_by("client_id", "-id")
    seen: set[int] = set()
    for row in qs.values_list("id", address, "client__name", "office_id", "client_id", "client__region",
                              "consent").iterator(chunk_size=5000):
        contract_id, addr, name, office_id, client_id, region, consent = row
        if client_id in seen:  # one row per client: their latest contract
            continue
        seen.add(client_id)
        yield Candidate(address=addr or "", name=name, office_id=office_id, counterparty_id=client_id,
                        contract_id=contract_id, region=region or "", consent=consent)


def filters_of(campaign: Campaign) -> dict:
    return {"statuses": _ids(campaign.statuses), "services": _ids(campaign.services), "tags": _ids(campaign.tags)}


def candidates(actor, campaign: Campaign) -> list[Candidate]:
    filters = filters_of(campaign)
    rows: list[Candidate] = []
    if campaign.audience in (Campaign.Audience.CLIENTS, Campaign.Audience.BOTH):
        rows.extend(client_rows(actor, campaign, filters))
    if campaign.audience in (Campaign.Audience.LEADS, Campaign.Audience.BOTH) and campaign.debt_min is None:
        rows.extend(lead_rows(actor, campaign, filters))
    return rows


def _phone_consents(addresses: set[str]) -> set[str]:
    """Phones some lead gave advertising consent for (a client's card may lack the link to their lead)."""
    found: set[str] = set()
    chunk = sorted(addresses)
    for i in range(0, len(chunk), 5000):
        found.update(Lead.objects.filter(phone__in=chunk[i:i + 5000], consent_ads=True)
                     .values_list("phone", flat=True))
    return found


def _opted_out(addresses: set[str]) -> set[str]:
    from legal_crm.messaging.models import OptOut

    found: set[str] = set()
    chunk = sorted(addresses)
    for i in range(0, len(chunk), 5000):
        found.update(OptOut.objects.filter(address__in=chunk[i:i + 5000]).values_list("address", flat=True))
    return found


def recipients(actor, campaign: Campaign) -> list[CampaignRecipient]:
    """The campaign's recipients as they would be frozen now (unsaved), each with its status."""
    rows: list[CampaignRecipient] = []
    first: dict[str, CampaignRecipient] = {}
    consent: dict[str, bool] = {}
    phones = campaign.kind != Campaign.Kind.EMAIL
    for cand in candidates(actor, campaign):
        if phones and E164_RU.fullmatch(cand.address or ""):
            address = cand.address  # stored normalized (leads' and clients' phones): parsing each again was a quarter
            # of a 100,000-recipient start; normalize_phone returns such a number unchanged
        else:
            try:
                address = normalize_address(campaign.kind, cand.address)
            except DomainError:
                address = ""
        row = CampaignRecipient(campaign=campaign, address=(address or cand.address or "")[:254],
                                name=(cand.name or "")[:300], office_id=cand.office_id, lead_id=cand.lead_id,
                                counterparty_id=cand.counterparty_id, contract_id=cand.contract_id,
                                region=(cand.region or "")[:100])
        rows.append(row)
        if not address:
            row.status = Status.SKIPPED_BAD_ADDRESS
        elif address in first:
            row.status = Status.SKIPPED_DUPLICATE
        else:
            first[address] = row
        if address:
            consent[address] = consent.get(address, False) or cand.consent
    if campaign.is_advertising and first:
        if campaign.kind != Campaign.Kind.EMAIL:
            for phone in _phone_consents({a for a, ok in consent.items() if not ok}):
                consent[phone] = True
        refused = _opted_out(set(first))
        for address, row in first.items():
            if address in refused:
                row.status = Status.SKIPPED_OPTED_OUT
            elif not consent[address]:
                row.status = Status.SKIPPED_NO_CONSENT
    return rows
