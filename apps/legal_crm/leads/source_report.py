"""Leads by where they came from: the "Лиды по источникам" report (period from the request, rows, an XLSX export)
and a partner's figures and latest leads on its desk page (leads/admin/marketing.py).

Ad sources and partners are marketing's, below leads; the leads are read through `selectors.lead_list_visible_to`,
so a report never shows a lead the user's lead list hides.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.dates import ANY, date_error
from legal_crm.core.xlsx import table_xlsx
from legal_crm.marketing.models import AdSource, Partner

from .selectors import lead_list_visible_to

COLUMNS = [("source", gettext_lazy("Источник")), ("channel", gettext_lazy("Канал")), ("total", gettext_lazy("Лидов")),
           ("spam", gettext_lazy("Спам")), ("open", gettext_lazy("В работе")), ("refused", gettext_lazy("Отказ")),
           ("converted", gettext_lazy("Клиенты")), ("conversion", gettext_lazy("Конверсия, %"))]


MAX_PERIOD_DAYS = 366 * 3  # a longer period reads too many leads for a desk page


def parse_period(params) -> tuple[datetime.date, datetime.date, dict]:
    """date_from/date_to as 27.11.2026 or 2026-11-27; default — this month. Returns (from, to, errors).

    With errors ({field: Russian message}) the dates returned are stand-ins that keep the form drawable, not the
    period asked for: a report shows the errors and no figures, and its export gives no file
    (`period_typed` puts back into the form what was typed)."""
    today = timezone.localdate()
    errors = {}

    def parse(name, default):
        raw = (params.get(name) or "").strip()
        if not raw:
            return default
        for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                day = datetime.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            # 01.01.0001 or 31.12.9999 parse, and the period's moments then overflow: a year far off is refused.
            problem = date_error(day, ANY, today)
            if problem:
                errors[name] = problem
                return default
            return day
        errors[name] = _("Дата в виде 27.11.2026.")
        return default

    default_from, default_to = _default_period()
    date_from = parse("date_from", default_from)
    date_to = parse("date_to", default_to)
    if errors:  # a refused date's stand-in says nothing of the period's order or length
        return date_from, date_to, errors
    if date_from > date_to:
        errors["date_to"] = _("Конец периода раньше начала.")
        date_to = date_from
    elif (date_to - date_from).days > MAX_PERIOD_DAYS:
        errors["date_from"] = _("Период не больше трёх лет: за больший срок отчёт строится слишком долго. "
                                "Сократите период.")
        date_from = date_to - datetime.timedelta(days=MAX_PERIOD_DAYS)
    return date_from, date_to, errors


def period_typed(params, date_from: datetime.date, date_to: datetime.date, errors: dict) -> dict:
    """What the period's boxes show: the dates of the report, or — when the period was refused — what was typed,
    so the person corrects their own input rather than a period put in its place."""
    if not errors:
        return {"date_from": f"{date_from:%d.%m.%Y}", "date_to": f"{date_to:%d.%m.%Y}"}
    defaults = _default_period()
    return {name: (params.get(name) or "").strip() or f"{default:%d.%m.%Y}"
            for name, default in zip(("date_from", "date_to"), defaults, strict=True)}


def _default_period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    return today.replace(day=1), today


def chosen_filters(params, choices: dict) -> dict:
    """The filters picked in the request (ids), each looked up among what the user may choose; unknown → none."""
    chosen = {}
    for name, queryset in choices.items():
        raw = (params.get(name) or "").strip()
        chosen[name] = queryset.filter(pk=int(raw)).first() if raw.isdigit() else None
    return chosen


def _period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz)
    return start, end


def _leads(user) -> QuerySet:
    return lead_list_visible_to(user).select_related(None).order_by()


def leads_by_source(user, *, date_from: datetime.date, date_to: datetime.date, office=None, employee=None,
                    service=None, source=None) -> list[dict]:
    """Per source (and "без источника"): leads, spam, in work, refused, converted, conversion %. Narrowed by
    office, responsible employee, service and source when given (the report's filters, UX.md)."""
    start, end = _period(date_from, date_to)
    qs = _leads(user).filter(created_at__gte=start, created_at__lt=end)
    for field, value in (("office", office), ("assigned_to", employee), ("service", service), ("source", source)):
        if value is not None:
            qs = qs.filter(**{field: value})
    rows = (qs.values("source_id").annotate(
        total=Count("id"),
        spam=Count("id", filter=Q(status__is_spam=True)),
        refused=Count("id", filter=Q(status__is_refusal=True)),
        converted=Count("id", filter=Q(status__is_converted=True)),
        open=Count("id", filter=Q(status__is_open=True)),
    ).order_by())
    sources = {s.pk: s for s in AdSource.objects.all()}
    result = []
    for r in rows:
        total, found = r["total"], sources.get(r["source_id"])
        result.append({
            "source_id": r["source_id"], "source": found.name if found else "— без источника —",
            "channel": found.get_channel_display() if found else "", "total": total, "spam": r["spam"],
            "open": r["open"], "refused": r["refused"], "converted": r["converted"],
            "conversion": round(100 * r["converted"] / (total - r["spam"]), 1) if total > r["spam"] else 0.0,
        })
    result.sort(key=lambda r: (-r["total"], r["source"]))
    return result


def partner_stats(user, partner: Partner, *, days: int = 30) -> dict:
    since = timezone.now() - datetime.timedelta(days=days)
    qs = _leads(user).filter(partner=partner, created_at__gte=since)
    agg = qs.aggregate(total=Count("id"), spam=Count("id", filter=Q(status__is_spam=True)),
                       converted=Count("id", filter=Q(status__is_converted=True)),
                       refused=Count("id", filter=Q(status__is_refusal=True)))
    good = agg["total"] - agg["spam"]
    agg["conversion"] = round(100 * agg["converted"] / good, 1) if good > 0 else 0.0
    agg["days"] = days
    return agg


def partner_recent_leads(user, partner: Partner, limit: int = 20):
    return (lead_list_visible_to(user).filter(partner=partner).select_related("status", "office")
            .order_by("-created_at")[:limit])


class _Option:
    """One option of a filter as it reads: the record's id and its label."""

    __slots__ = ("label", "pk")

    def __init__(self, pk, label: str):
        self.pk, self.label = pk, label

    def __str__(self) -> str:
        return self.label


class StaffChoices:
    """The «Сотрудник» filter's choices. Listed, each person by name, and namesakes told apart in parentheses by
    their main office — or by their login where the office does not tell them apart («Новиков Пётр» stood five times
    alike); looked up (chosen_filters' `.filter(pk=…)`), the users themselves, as the reports take them."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def filter(self, *args, **kwargs) -> QuerySet:
        return self.queryset.filter(*args, **kwargs)

    def __iter__(self):
        users = list(self.queryset.select_related("employee__main_office"))
        namesakes: dict[str, list] = {}
        for person in users:
            namesakes.setdefault(str(person), []).append(person)
        for person in users:
            same = namesakes[str(person)]
            if len(same) == 1:
                yield person
                continue
            offices = [getattr(other.employee.main_office, "name", "") for other in same]
            by_office = all(offices) and len(set(offices)) == len(offices)
            office = getattr(person.employee.main_office, "name", "")
            yield _Option(person.pk, f"{person} ({office if by_office else person.username})")


def report_filter_choices(user) -> dict:
    """What the report's filters offer the user: their offices, the staff of those offices (StaffChoices), services,
    sources."""
    from django.contrib.auth import get_user_model

    from legal_crm.directory.models import Service
    from legal_crm.org.selectors import office_list_visible_to, scope_to_offices

    staff = scope_to_offices(get_user_model().objects.filter(employee__isnull=False, is_active=True), user,
                             field="employee__offices")
    return {"office": office_list_visible_to(user).order_by("name"),
            "employee": StaffChoices(staff.distinct().order_by("last_name", "first_name")),
            "service": Service.objects.filter(is_active=True).order_by("name"),
            "source": AdSource.objects.order_by("name")}


def report_rows(user, date_from, date_to, **filters) -> tuple[list[dict], dict]:
    rows = leads_by_source(user, date_from=date_from, date_to=date_to, **filters)
    totals = {k: sum(r[k] for r in rows) for k in ("total", "spam", "open", "refused", "converted")}
    good = totals["total"] - totals["spam"]
    totals["conversion"] = round(100 * totals["converted"] / good, 1) if good > 0 else 0.0
    peak = max((r["total"] for r in rows), default=0)
    for r in rows:
        r["bar"] = round(100 * r["total"] / peak, 1) if peak else 0
        r["bar_converted"] = round(100 * r["converted"] / peak, 1) if peak else 0
    return rows, totals


def report_xlsx(rows: list[dict], totals: dict, date_from, date_to) -> bytes:
    return table_xlsx(
        sheet=_("Лиды по источникам"),
        title=_("Лиды по источникам за %(a)s — %(b)s") % {"a": f"{date_from:%d.%m.%Y}", "b": f"{date_to:%d.%m.%Y}"},
        header=[title for _k, title in COLUMNS], rows=([r[k] for k, _t in COLUMNS] for r in rows),
        totals=[_("Итого"), "", *[totals[k] for k, _t in COLUMNS[2:]]], widths=(36, 22))
