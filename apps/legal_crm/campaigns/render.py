"""A campaign's texts, rendered per recipient by messaging's tags (bulk: a few queries per batch, not per row)."""

from __future__ import annotations

from legal_crm.messaging.tags import Recipient, render_many

from .models import Campaign


def campaign_text(campaign: Campaign) -> str:
    template = getattr(campaign, "template", None)
    return (campaign.text or (template.text if template is not None else "") or "").strip()


def render(campaign: Campaign, rows) -> list[str]:
    """One text per recipient row (CampaignRecipient, saved or not), in order."""
    recipients = [Recipient(address=r.address, name=r.name, office_id=r.office_id, region=r.region,
                            lead_id=r.lead_id, counterparty_id=r.counterparty_id, contract_id=r.contract_id)
                  for r in rows]
    return render_many(campaign_text(campaign), recipients)
