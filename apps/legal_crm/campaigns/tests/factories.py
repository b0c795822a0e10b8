"""Campaigns for tests, saved through the service (its checks run as in the desk)."""

from __future__ import annotations

import datetime

from legal_crm.campaigns import services
from legal_crm.campaigns.models import Campaign

ALL_WEEK = "1234567"


def make_campaign(actor, **fields) -> Campaign:
    statuses = fields.pop("statuses", None)
    service_list = fields.pop("services", None)
    tags = fields.pop("tags", None)
    values = {"name": "Акция декабря", "kind": Campaign.Kind.SMS, "text": "{name}, приходите на консультацию.",
              "weekdays": ALL_WEEK, "hours_from": datetime.time(0, 0), "hours_to": datetime.time(23, 59), **fields}
    return services.campaign_save(actor=actor, campaign=Campaign(**values), statuses=statuses,
                                  services=service_list, tags=tags)
