"""The NPS report (SPEC 5.6.6, DOMAIN.md «NPS»): by office, service, lawyer or month over a period, in the user's
offices. NPS = % promoters − % critics over the scored reviews; «без оценки» stays outside the denominator and a
complaint with a score counts as a critic (10 promoters, 5 neutral, 5 critics, 3 unscored → +25).

One conditional aggregate per group (one query; per month, one query for each month of the period — months are
cut in Python, not with the database's time-zone functions)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.user_names import display_name

from ..models_reviews import Review
from .selectors import review_list_visible_to

C = Review.Category
DETRACTOR = Q(category=C.CRITIC) | Q(category=C.COMPLAINT, score__isnull=False)
COUNTS = {
    "total": Count("id"),
    "scored": Count("id", filter=Q(score__isnull=False)),
    "promoters": Count("id", filter=Q(category=C.PROMOTER)),
    "neutrals": Count("id", filter=Q(category=C.NEUTRAL)),
    "critics": Count("id", filter=DETRACTOR),
    "complaints": Count("id", filter=Q(category=C.COMPLAINT)),
    "no_score": Count("id", filter=Q(category=C.NO_SCORE)),
}
GROUPS = {
    "office": (gettext_lazy("Офис"), "office_id", "office__name"),
    "service": (gettext_lazy("Услуга"), "service_id", "service__name"),
    "lawyer": (gettext_lazy("Сотрудник"), "responsible_id", None),
    "month": (gettext_lazy("Месяц"), None, None),
}
COLUMNS = [("total", gettext_lazy("Отзывов")), ("scored", gettext_lazy("С оценкой")),
           ("promoters", gettext_lazy("Промоутеры")), ("neutrals", gettext_lazy("Нейтралы")),
           ("critics", gettext_lazy("Критики")), ("complaints", gettext_lazy("Жалобы")),
           ("no_score", gettext_lazy("Без оценки")), ("nps", gettext_lazy("NPS"))]
MONTHS = [gettext_lazy(m) for m in ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                                    "сентябрь", "октябрь", "ноябрь", "декабрь")]


def nps(promoters: int, critics: int, scored: int) -> int | None:
    return round((promoters - critics) * 100 / scored) if scored else None


def _bounds(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(date_from, datetime.time.min, tz),
            datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz))


def _with_nps(row: dict) -> dict:
    row["nps"] = nps(row["promoters"], row["critics"], row["scored"])
    return row


def _months(date_from: datetime.date, date_to: datetime.date):
    first = date_from.replace(day=1)
    while first <= date_to:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        yield first, max(first, date_from), min(following - datetime.timedelta(days=1), date_to)
        first = following


def nps_report(user, *, date_from: datetime.date, date_to: datetime.date, group: str = "office", office=None,
               service=None, employee=None) -> dict:
    if group not in GROUPS:
        group = "office"
    start, end = _bounds(date_from, date_to)
    qs = review_list_visible_to(user).select_related(None).order_by()
    for field, value in (("office", office), ("service", service), ("responsible", employee)):
        if value is not None:
            qs = qs.filter(**{field: value})
    title, key, name = GROUPS[group]
    rows: list[dict] = []
    if group == "month":
        for first, lo, hi in _months(date_from, date_to):
            a, b = _bounds(lo, hi)
            row = qs.filter(created_at__gte=a, created_at__lt=b).aggregate(**COUNTS)
            rows.append(_with_nps({"label": f"{MONTHS[first.month - 1]} {first.year}", **row}))
    else:
        period = qs.filter(created_at__gte=start, created_at__lt=end)
        fields = [key] + ([name] if name else [])
        for row in period.values(*fields).annotate(**COUNTS).order_by(*fields):
            label = row.get(name) if name else (display_name(row[key]) if row[key] else None)
            rows.append(_with_nps({"label": label or _("Не указано"), **row}))
        rows.sort(key=lambda r: (-r["total"], str(r["label"])))
    totals = qs.filter(created_at__gte=start, created_at__lt=end).aggregate(**COUNTS)
    _with_nps(totals)
    totals["label"] = _("Итого")
    return {"title": _("NPS: отзывы клиентов"), "group_title": title, "columns": COLUMNS, "rows": rows,
            "totals": totals,
            "chart": [_bar(r) for r in rows if r["nps"] is not None]}


AXIS, HALF = 62.0, 36.0  # the chart's zero line and the width of ±100, in % of the chart


def _bar(row: dict) -> dict:
    """A bar from the zero line: right for a positive NPS, left for a negative one."""
    width = round(abs(row["nps"]) * HALF / 100, 1)
    return {"label": row["label"], "nps": row["nps"], "negative": row["nps"] < 0, "w": width,
            "x": round(AXIS - width, 1) if row["nps"] < 0 else AXIS}
