"""What a campaign costs: planned before the start, actual after.

Planned: every rendered text is counted in SMS parts (GSM-7: 160 characters, 153 per part of a long message; any
other character makes it UCS-2: 70, 67 per part). The price of one part comes from the provider's cost API where it
has one (SMS.ru /sms/cost, SMSC cost=1 — asked once, for the first message, never per recipient) and otherwise
from the tariff table (settings.CAMPAIGN_TARIFFS: kind → price of one part or one message). Actual: the sum of the
cost the provider reported for each message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

# The GSM 03.38 basic set and its extension (the extension's characters take two septets).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")
DEFAULT_TARIFFS = {"sms": Decimal("3.50"), "whatsapp": Decimal("0.00"), "email": Decimal("0.00")}
CENT = Decimal("0.01")


GSM_ALL = frozenset(GSM_BASIC | GSM_EXTENDED)


def sms_parts(text: str) -> int:
    """How many SMS a text is billed as. Counted over the text's set of characters (a campaign's start counts
    100,000 texts: a Python loop per character was seconds)."""
    chars = set(text)
    if chars <= GSM_ALL:
        length = len(text) + sum(text.count(ch) for ch in chars & GSM_EXTENDED)  # the extension takes two septets
        single, part = 160, 153
    else:
        astral = [ch for ch in chars if ord(ch) > 0xFFFF]  # two UTF-16 code units each
        length = len(text) + sum(text.count(ch) for ch in astral)
        single, part = 70, 67
    if length <= single:
        return 1
    return -(-length // part)


def tariff(kind: str) -> Decimal:
    table = {**DEFAULT_TARIFFS, **{k: Decimal(str(v)) for k, v in getattr(settings, "CAMPAIGN_TARIFFS", {}).items()}}
    return table.get(kind, Decimal("0.00"))


@dataclass
class Estimate:
    messages: int
    parts: int
    price_per_part: Decimal
    total: Decimal
    source: str


def estimate(kind: str, texts: list[str], *, sample_to: str | None, office_id: int | None) -> Estimate:
    """The planned cost of these rendered texts (one per recipient that will be sent)."""
    from legal_crm.messaging.channels import adapter_for
    from legal_crm.messaging.services import channel_for_office

    parts_each = [sms_parts(t) for t in texts] if kind == "sms" else [1] * len(texts)
    parts = sum(parts_each)
    price, source = None, ""
    if texts and sample_to:
        channel = channel_for_office(kind, office_id)
        if channel is not None:
            try:
                asked = adapter_for(channel.provider, channel).cost(texts[0], sample_to)
            except Exception:  # a provider's odd answer never blocks the estimate: the tariff table answers
                asked = None
            if asked is not None and parts_each[0]:
                price = (asked / parts_each[0]).quantize(Decimal("0.0001"))
                source = _("по цене провайдера (%(name)s)") % {"name": channel.name}
    if price is None:
        price = tariff(kind)
        source = _("по тарифу")
    total = (price * parts).quantize(CENT, rounding=ROUND_HALF_UP)
    return Estimate(messages=len(texts), parts=parts, price_per_part=price, total=total, source=source)


SUBJECT_TYPE = "campaigns.campaign"  # messaging.Message.subject_type of a campaign's messages


def actual_cost(campaign) -> Decimal:
    """The sum the providers reported for the campaign's messages."""
    from legal_crm.messaging.models import Message

    total = Message.objects.filter(subject_type=SUBJECT_TYPE, subject_id=str(campaign.pk)).aggregate(
        s=Sum("cost"))["s"]
    return (total or Decimal("0")).quantize(CENT)
