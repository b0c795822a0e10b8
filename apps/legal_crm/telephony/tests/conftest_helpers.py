"""Builders shared by telephony's tests."""

from __future__ import annotations

import datetime

from legal_crm.telephony.adapters.base import CallEvent
from legal_crm.telephony.models import SipAccount

T0 = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.UTC)


def give_extension(user, extension="101", pbx=None) -> SipAccount:
    return SipAccount.objects.create(employee=user.employee, pbx=pbx, extension=extension)


def event(kind, provider_id="p-1", seconds=0, **kw) -> CallEvent:
    return CallEvent(kind=kind, provider_id=provider_id, at=T0 + datetime.timedelta(seconds=seconds), **kw)
