"""Demo telephony: the console PBX for every office (press «Позвонить» and the call window works with no PBX),
the demo employees' extensions, a company number and a few calls. Idempotent; never overwrites users' rows."""

from __future__ import annotations

import datetime

from django.utils import timezone

from legal_crm.core.seeding import find_or_create
from legal_crm.org.models import Employee

from .models import Call, CompanyNumber, Pbx, PbxKind, SipAccount
from .services import call_phone_parts_write
from .services_summary import summary_rebuild, summary_zone

EXTENSIONS = {"operator": "101", "sales": "102", "office_head": "103", "admin": "100"}


def seed() -> str:
    pbx, _c = find_or_create(Pbx, {"name": "Учебная АТС", "office": None}, {"kind": PbxKind.CONSOLE})
    employees = {e.user.username: e for e in Employee.objects.filter(user__username__in=EXTENSIONS)
                 .select_related("user")}
    for login, extension in EXTENSIONS.items():
        employee = employees.get(login)
        if employee is not None and not SipAccount.objects.filter(pbx=pbx, extension=extension).exists():
            SipAccount.objects.create(employee=employee, pbx=pbx, extension=extension)
    office = getattr(employees.get("operator"), "main_office", None)
    number, _c = find_or_create(CompanyNumber, {"number": "+78001234567"},
                                {"name": "8-800 с наружной рекламы", "office": office, "pbx": pbx,
                                 "ad_source_code": "call-8800"})
    operator = employees.get("operator")
    made = 0
    if operator is not None and not Call.objects.filter(pbx=pbx, provider_id__startswith="demo-").exists():
        now = timezone.now().replace(microsecond=0)
        samples = [  # minutes ago, direction, client, result, talk seconds
            (180, Call.Direction.IN, "+79161110001", Call.Result.ANSWERED, 312),
            (150, Call.Direction.IN, "+79161110002", Call.Result.MISSED, 0),
            (120, Call.Direction.OUT, "+79161110003", Call.Result.ANSWERED, 95),
            (60, Call.Direction.IN, "+79161110004", Call.Result.DROPPED, 0),
        ]
        for i, (ago, direction, phone, result, talk) in enumerate(samples):
            started = now - datetime.timedelta(minutes=ago)
            answered = started + datetime.timedelta(seconds=12) if talk else None
            call = Call.objects.create(
                pbx=pbx, office=office, direction=direction, employee=operator, extension="101",
                from_number=phone if direction == Call.Direction.IN else "101",
                to_number=number.number if direction == Call.Direction.IN else phone, client_phone=phone,
                company_number=number if direction == Call.Direction.IN else None, state=Call.State.ENDED,
                result=result, started_at=started, answered_at=answered,
                ended_at=(answered or started) + datetime.timedelta(seconds=talk or 3), duration=talk,
                provider_id=f"demo-{i}")
            call_phone_parts_write(call)
            made += 1
        for day in {c.started_at.astimezone(summary_zone()).date() for c in Call.objects.filter(
                pbx=pbx, provider_id__startswith="demo-")}:
            summary_rebuild(day)  # the demo's calls were written whole, not ended through the service
    return f"АТС: {pbx.name}; звонков добавлено: {made}"
