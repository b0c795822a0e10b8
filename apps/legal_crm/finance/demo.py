"""Demo finance: a gift certificate per demo office (its number С-DEMO-<office id>) and cashback and promotion
bonuses for the first demo clients; payroll rules for the demo positions with last month's payroll computed (not
approved: finance approves it in the desk), a discount scheme, the automatic bonus rules and the agents' rule.
Runs after billing's seeder; rows are found by their natural keys (the certificate's number, the accrual's
reason, the rule's position or event), so re-running it adds nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from legal_crm.contracts.models import Contract
from legal_crm.directory.models import Service
from legal_crm.marketing.models import Partner
from legal_crm.org.models import Office, Position

from .models import (
    AgentRule,
    BonusEntry,
    BonusRule,
    Certificate,
    DiscountScheme,
    PayrollKpi,
    PayrollRule,
    PayrollRun,
)
from .services import bonus_accrue, certificate_issue
from .services.payroll import payroll_compute

DEMO_REASON = "Демо: приветственные бонусы"
DEMO_SCHEME = "Акция «Свобода» — радио"


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
    made["payroll_runs"] = _payroll(today)
    _rules(today)
    return made


# position code → salary, % of office revenue, % of sales, % of payments, KPI (metric, threshold, bonus)
PAYROLL = {
    "operator": ("45000.00", 0, 0, 0, ("sales_count", 1, "3000.00")),
    "sales": ("40000.00", 0, 3, 2, ("sales_count", 3, "10000.00")),
    "lawyer": ("60000.00", 0, 0, "1.5", None),
    "office_head": ("90000.00", 1, 0, 0, None),
    "finance": ("70000.00", 0, 0, 0, None),
    "hr": ("55000.00", 0, 0, 0, None),
    "marketer": ("60000.00", 0, 0, 0, None),
    "admin": ("80000.00", 0, 0, 0, None),
}


def _payroll(today: datetime.date) -> int:
    for code, (salary, revenue, sales, payments, kpi) in PAYROLL.items():
        position = Position.objects.filter(code=code).first()
        if position is None or PayrollRule.objects.filter(position=position, office__isnull=True).exists():
            continue
        rule = PayrollRule.objects.create(position=position, salary=Decimal(salary), revenue_percent=revenue,
                                          sales_percent=sales, payments_percent=Decimal(str(payments)),
                                          violation_deduction=Decimal("1000.00"))
        if kpi:
            PayrollKpi.objects.create(rule=rule, metric=kpi[0], threshold=kpi[1], bonus=Decimal(kpi[2]))
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    runs = 0
    for office in Office.objects.order_by("id")[:5]:
        first = last_month_end.replace(day=1)
        if PayrollRun.objects.filter(office=office, date_from=first, date_to=last_month_end).exists():
            continue  # seeded before: seeding again changes nothing (a user may have approved it meanwhile)
        payroll_compute(actor=None, office=office, date_from=first, date_to=last_month_end)
        runs += 1
    return runs


def _rules(today: datetime.date) -> None:
    BonusRule.objects.get_or_create(event=BonusRule.Event.PAYMENT_ON_TIME, group="cashback",
                                    defaults={"percent": Decimal("1"), "valid_days": 180})
    BonusRule.objects.get_or_create(event=BonusRule.Event.REFERRAL_SIGNED, group="promotion",
                                    defaults={"amount": Decimal("3000.00"), "valid_days": 90})
    partner = Partner.objects.filter(default_source__code="partner-program").first()
    if partner is not None:
        AgentRule.objects.get_or_create(partner=partner, defaults={"percent": Decimal("10")})
    service = Service.objects.filter(is_active=True).order_by("id").first()
    if service is not None and not DiscountScheme.objects.filter(name=DEMO_SCHEME).exists():
        DiscountScheme.objects.create(name=DEMO_SCHEME, service=service, kind=DiscountScheme.Kind.PERCENT,
                                      max_value=Decimal("15"), max_without_approval=Decimal("10"),
                                      valid_from=today.replace(month=1, day=1))
