"""Demo finance: a gift certificate per demo office (its number С-DEMO-<office id>) and cashback and promotion
bonuses for the first demo clients. Runs after billing's seeder; rows are found by their natural keys (the
certificate's number, the accrual's reason), so re-running it adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from legal_crm.contracts.models import Contract
from legal_crm.org.models import Office

from .models import BonusEntry, Certificate
from .services import bonus_accrue, certificate_issue

DEMO_REASON = "Демо: приветственные бонусы"


@transaction.atomic
def seed() -> dict:
    today = timezone.localdate()
    made = {"certificates": 0, "bonuses": 0}
    for office in Office.objects.order_by("id")[:5]:
        number = f"С-DEMO-{office.pk:04d}"
        if Certificate.objects.filter(number=number).exists():
            continue
        certificate_issue(actor=None, office=office, amount=Decimal("10000.00"), number=number,
                          kind=Certificate.Kind.GIFT, valid_until=today + datetime.timedelta(days=180))
        made["certificates"] += 1
    for contract in Contract.objects.filter(status__in=["signed", "in_work"]).select_related("client")[:10]:
        if BonusEntry.objects.filter(account__client=contract.client, reason=DEMO_REASON).exists():
            continue
        bonus_accrue(actor=None, client=contract.client, group="cashback", amount=Decimal("1500.00"),
                     expires_on=today + datetime.timedelta(days=120), reason=DEMO_REASON)
        bonus_accrue(actor=None, client=contract.client, group="promotion", amount=Decimal("1000.00"),
                     expires_on=today + datetime.timedelta(days=30), reason=DEMO_REASON)
        made["bonuses"] += 1
    return made
