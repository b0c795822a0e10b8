"""Reads of telephony: what a user may see of the call log and the PBX settings (office row scope), which PBX an
office calls through, whose extension rings, who is calling (asked of higher modules through hooks)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from legal_crm.core.phone_parts import filter_by_phone
from legal_crm.core.validators import format_phone, normalize_phone
from legal_crm.org.models import Employee
from legal_crm.org.selectors import office_ids_visible_to, scope_to_offices

from . import perms
from .models import Call, CallDaySummary, CallPhonePart, CompanyNumber, Pbx, SipAccount

LIVE_HOURS = 4


def _may(user, *names) -> bool:
    return getattr(user, "is_authenticated", False) and any(user.has_perm(n) for n in names)


def call_list_visible_to(user) -> QuerySet[Call]:
    """The call log: calls of the user's offices (calls of no office only with "all offices")."""
    qs = Call.objects.select_related("office", "employee__user", "company_number")
    if not _may(user, perms.VIEW_CALL):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


CALL_PHONE_MATCHES_MAX = 2000


def filter_calls_by_phone(qs: QuerySet[Call], text: str) -> QuerySet[Call]:
    """Calls by the client's whole number or any contiguous part of it — the tail from a missed-call list, digits
    from the middle (core.phone_parts.filter_by_phone: the indexed column or the parts' key, never a scan)."""
    return filter_by_phone(qs, text, phone_field="client_phone", part_model=CallPhonePart, owner_field="call",
                           limit=CALL_PHONE_MATCHES_MAX)


def pbx_list_visible_to(user) -> QuerySet[Pbx]:
    qs = Pbx.objects.select_related("office")
    if not _may(user, perms.VIEW_PBX, perms.CHANGE_PBX):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def number_list_visible_to(user) -> QuerySet[CompanyNumber]:
    # Usage from the daily summary: a number's whole history without counting its calls one by one.
    qs = CompanyNumber.objects.select_related("office", "pbx").annotate(
        calls_total=Coalesce(Sum("day_summaries__calls"), 0),
        calls_answered=Coalesce(Sum("day_summaries__calls",
                                    filter=Q(day_summaries__result=Call.Result.ANSWERED)), 0))
    if not _may(user, perms.VIEW_NUMBER, perms.CHANGE_NUMBER):
        return qs.none()
    return scope_to_offices(qs, user, field="office")


def sip_list_visible_to(user) -> QuerySet[SipAccount]:
    qs = SipAccount.objects.select_related("employee__user", "pbx")
    if not _may(user, perms.VIEW_SIP, perms.CHANGE_SIP):
        return qs.none()
    ids = office_ids_visible_to(user)
    return qs if ids is None else qs.filter(employee__offices__in=ids).distinct()


def pbx_for_office(office_id) -> Pbx | None:
    """The office's own active PBX, else the one for all offices; None → the console (embedded default)."""
    rows = list(Pbx.objects.filter(is_active=True).filter(Q(office_id=office_id) | Q(office__isnull=True)))
    own = [p for p in rows if p.office_id == office_id and office_id is not None]
    return (own or [p for p in rows if p.office_id is None] or [None])[0]


def sip_account_of(employee: Employee, pbx: Pbx | None) -> SipAccount | None:
    accounts = [a for a in employee.sip_accounts.all() if a.is_active]
    return next((a for a in accounts if a.pbx_id == getattr(pbx, "pk", None)), None) or next(
        (a for a in accounts if a.pbx_id is None), None)


def extension_of(employee: Employee | None, pbx: Pbx | None) -> str:
    """The employee's extension on this PBX: their SIP account here (or one for every PBX), else the old
    free-text field of the employee card."""
    if employee is None:
        return ""
    account = sip_account_of(employee, pbx)
    return account.extension if account else (employee.extension or "").strip()


def employee_by_extension(extension: str, pbx: Pbx | None) -> Employee | None:
    if not extension:
        return None
    pbx_id = getattr(pbx, "pk", None)
    account = (SipAccount.objects.filter(extension=extension, is_active=True)
               .filter(Q(pbx_id=pbx_id) | Q(pbx__isnull=True)).select_related("employee").order_by("pbx_id").first())
    if account is not None:
        return account.employee
    return Employee.objects.filter(extension=extension, status=Employee.Status.ACTIVE).first()


def company_number_for(number: str) -> CompanyNumber | None:
    phone = normalize_phone(number or "")
    if not phone:
        return None
    return CompanyNumber.objects.filter(number=phone, is_active=True).first()


LIVE_VERSION_KEY = "telephony:live:"


def live_version(employee_id: int) -> str:
    """The version of the employee's live calls (services.live_calls_changed); "" when the cache has none or is
    unreachable — then the pop-up polls instead of waiting."""
    from django.core.cache import cache

    return cache.get(f"{LIVE_VERSION_KEY}{employee_id}") or ""


def live_calls_of(user) -> list[Call]:
    """The calls ringing or in progress at the user's extension or made by them: the pop-up and the call window."""
    employee = getattr(user, "employee", None)
    if employee is None:
        return []
    # A call whose end the PBX never reported (a lost event) stops popping up after LIVE_HOURS.
    since = timezone.now() - datetime.timedelta(hours=LIVE_HOURS)
    return list(Call.objects.filter(employee=employee, started_at__gte=since).exclude(state=Call.State.ENDED)
                .select_related("office").order_by("-started_at")[:5])


def caller_cards(phone: str, user) -> list[dict]:
    """Who is calling, as the higher modules know them (hooks.TELEPHONY_CALLER_CARDS): each provider answers
    `(phone, user) -> list[dict]` with "kind", "title", "url" and optionally "subtitle" — only records the user may
    see."""
    from legal_crm import hooks

    phone = normalize_phone(phone or "") or ""
    if not phone:
        return []
    cards = []
    for path in getattr(hooks, "TELEPHONY_CALLER_CARDS", []):
        cards.extend(import_string(path)(phone, user) or [])
    return cards


def call_stats(user, *, date_from: datetime.date, date_to: datetime.date, by: str) -> list[dict]:
    """Calls per employee, office, day, company number or ad source of the period (days of the server's time zone):
    count, incoming/outgoing, answered, missed, talk seconds — of ended calls, summed from the daily summary
    (CallDaySummary) in the user's offices: one grouped query over a few rows per employee and day."""
    if not _may(user, perms.VIEW_CALL):
        return []
    qs = scope_to_offices(CallDaySummary.objects.filter(day__gte=date_from, day__lte=date_to), user, field="office")
    if by == "day":
        keys = ("day",)
    elif by == "office":
        keys = ("office_id", "office__name")
    elif by == "number":  # incoming calls on the company's numbers
        qs = qs.filter(company_number__isnull=False)
        keys = ("company_number_id", "company_number__number", "company_number__name")
    elif by == "source":  # … and by the ad source each number is tied to
        qs = qs.filter(company_number__isnull=False)
        keys = ("company_number__ad_source_code",)
    else:
        keys = ("employee_id", "employee__user__last_name", "employee__user__first_name")
    rows = qs.order_by().values(*keys).annotate(
        total=Sum("calls"), incoming=Sum("calls", filter=Q(direction=Call.Direction.IN)),
        outgoing=Sum("calls", filter=Q(direction=Call.Direction.OUT)),
        answered=Sum("calls", filter=Q(result=Call.Result.ANSWERED)),
        missed=Sum("calls", filter=Q(result__in=[Call.Result.MISSED, Call.Result.DROPPED])),
        talk=Sum("talk_seconds"))
    out = []
    names = {code: name for code, name, _active in ad_sources()} if by == "source" else {}
    for row in rows:
        if by == "day":
            label = row["day"].strftime("%d.%m.%Y")
        elif by == "office":
            label = row["office__name"] or "—"
        elif by == "number":
            label = " ".join(p for p in (format_phone(row["company_number__number"]), row["company_number__name"]) if p)
        elif by == "source":
            code = row["company_number__ad_source_code"]
            label = names.get(code, code) if code else str(_("Без рекламного источника"))
        else:
            label = " ".join(p for p in (row["employee__user__last_name"], row["employee__user__first_name"]) if p) \
                or "—"
        counts = {k: row[k] or 0 for k in ("total", "incoming", "outgoing", "answered", "missed", "talk")}
        out.append({"label": label, **counts, "sort": row.get("day") or label})
    out.sort(key=lambda r: r["sort"])
    return out


def ad_sources() -> list[tuple[str, str, bool]]:
    """The ad sources a company number can be tied to, as (code, name, is_active) — marketing's, asked through
    hooks.TELEPHONY_AD_SOURCES (telephony sits below marketing)."""
    from legal_crm import hooks

    path = getattr(hooks, "TELEPHONY_AD_SOURCES", None)
    return import_string(path)() if path else []


def call_subject_visible(call: Call, user) -> bool:
    """Whether the user sees the records the call belongs to (hooks.TELEPHONY_CALL_ACCESS: each provider answers
    `(call, user) -> bool | None`; False from any of them hides the call's recording)."""
    from legal_crm import hooks

    return all(import_string(path)(call, user) is not False for path in getattr(hooks, "TELEPHONY_CALL_ACCESS", []))
