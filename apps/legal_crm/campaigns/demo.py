"""Demo campaigns: a finished SMS campaign to the demo leads (through the services and the dispatcher, so its
counts, skips and cost are real) and a draft. Idempotent: looked up by name, never changed once there."""

from __future__ import annotations

import datetime

from legal_crm.core.errors import DomainError
from legal_crm.core.models import User
from legal_crm.core.seeding import find_or_create
from legal_crm.messaging.outbox import send_queued

from . import dispatch, services
from .models import Campaign

FINISHED = "Декабрь: бесплатная консультация по банкротству"
DRAFT = "Напоминание клиентам о платеже"
ALL_DAY = {"weekdays": "1234567", "hours_from": datetime.time(0, 0), "hours_to": datetime.time(23, 59)}


def seed() -> str:
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return "рассылок: 0"
    if not Campaign.objects.filter(name=DRAFT).exists():
        draft = Campaign(name=DRAFT, kind=Campaign.Kind.SMS, is_advertising=False,
                         audience=Campaign.Audience.CLIENTS, daily_limit=500,
                         text="{first_name}, напоминаем о платеже по договору {contract_number}. {office_phone}")
        try:
            services.campaign_save(actor=admin, campaign=draft)
        except DomainError:  # a tag of a module not installed in this build
            draft.text = "{first_name}, напоминаем о платеже по договору. {office_phone}"
            services.campaign_save(actor=admin, campaign=draft)
    campaign, created = find_or_create(Campaign, {"name": FINISHED}, {
        "kind": Campaign.Kind.SMS, "is_advertising": True, "audience": Campaign.Audience.LEADS, "created_by": admin,
        "text": "{first_name}, бесплатная консультация юриста по банкротству до конца декабря. {office_phone}. "
                "Отписаться: {unsubscribe_link}", **ALL_DAY})
    if created:
        try:
            services.campaign_start(actor=admin, campaign=campaign)
            dispatch.dispatch_due()
            # Sent now (the embedded default's console prints them), not after the seeder's commit: the second run
            # finds nothing pending and nothing waiting in the outbox, and finishes it.
            send_queued()
            dispatch.dispatch_due()
        except DomainError:
            pass  # no demo lead to send to: it stays a draft
    return f"рассылок: {Campaign.objects.count()}"
