"""Overdue planned calls (SPEC 5.6.11): the calls not made on time per office or employee, how late they are
(buckets — the lateness chart), on each call's own date or at the end of the period, narrowed to prospective or
current clients. Read through `planned_calls_visible_to`, so the report never counts a call of an office the user
does not see; one grouped query, the lateness buckets as conditional counts (no rows are fetched).

Lateness:
- «на дату звонка» (mode "due"): from the call's time to when it was made — or to now, if it still is not;
- «на конец периода» (mode "end"): the calls still not made when the period ended (or now, for the current
  period), late by the time from their due time to that moment.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.xlsx import table_xlsx

from .models import PlannedCall
from .selectors import planned_calls_visible_to

HOUR, DAY = 3600, 86400
# (lower bound, upper bound in seconds — None: no upper bound, label); a call late by exactly a bound is in the
# bucket that starts there.
BUCKETS = [(0, HOUR, gettext_lazy("до 1 ч")), (HOUR, 4 * HOUR, gettext_lazy("1–4 ч")),
           (4 * HOUR, DAY, gettext_lazy("4–24 ч")), (DAY, 3 * DAY, gettext_lazy("1–3 дня")),
           (3 * DAY, 7 * DAY, gettext_lazy("3–7 дней")), (7 * DAY, None, gettext_lazy("больше 7 дней"))]
MODES = {"due": gettext_lazy("на дату звонка"), "end": gettext_lazy("на конец периода")}
GROUPINGS = {"office": gettext_lazy("по офисам"), "employee": gettext_lazy("по сотрудникам")}
CLIENTS = {"": gettext_lazy("все"), "prospective": gettext_lazy("потенциальные клиенты"),
           "current": gettext_lazy("клиенты (заключён договор)")}


def _late_between(mode: str, moment: datetime.datetime, lo: int, hi: int | None) -> Q:
    """Calls late by at least `lo` and less than `hi` seconds, written as bounds on due_at and done_at (so every
    database's datetime arithmetic serves). At the period's end every counted call is pending at `moment`."""
    low = datetime.timedelta(seconds=lo)
    pending = Q(due_at__lte=moment - low)
    if hi is not None:
        pending &= Q(due_at__gt=moment - datetime.timedelta(seconds=hi))
    if mode == "end":
        return pending
    made = Q(done_at__isnull=False, done_at__gte=F("due_at") + low)
    if hi is not None:
        made &= Q(done_at__lt=F("due_at") + datetime.timedelta(seconds=hi))
    return (Q(done_at__isnull=True) & pending) | made


def overdue_calls(user, *, date_from: datetime.date, date_to: datetime.date, by: str = "office", mode: str = "due",
                  clients: str = "", now: datetime.datetime | None = None) -> tuple[list[dict], dict]:
    """Rows per office or employee: overdue calls, still not made, and the count in each lateness bucket; totals."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tz)
    moment = min(end, now) if mode == "end" else now
    qs = (planned_calls_visible_to(user).select_related(None).order_by()
          .filter(due_at__gte=start, due_at__lt=min(end, moment))
          .exclude(result=PlannedCall.Result.CANCELLED))
    if mode == "end":  # still not made at the moment (one made later was not made then)
        qs = qs.filter(Q(done_at__isnull=True) | Q(done_at__gt=moment))
    else:
        qs = qs.filter(Q(done_at__isnull=True) | Q(done_at__gt=F("due_at")))
    if clients in ("prospective", "current"):
        qs = qs.filter(lead__status__is_converted=clients == "current")
    if by == "employee":
        keys = ("assignee_id", "assignee__last_name", "assignee__first_name")
    else:
        keys = ("lead__office_id", "lead__office__name")
    buckets = {f"b{i}": Count("id", filter=_late_between(mode, moment, lo, hi))
               for i, (lo, hi, _label) in enumerate(BUCKETS)}
    rows = []
    for row in qs.values(*keys).annotate(total=Count("id"), pending=Count("id", filter=Q(done_at__isnull=True)),
                                                   **buckets):
        if by == "employee":
            label = " ".join(p for p in (row["assignee__last_name"], row["assignee__first_name"]) if p) or \
                _("Не назначен")
        else:
            label = row["lead__office__name"] or "—"
        rows.append({"label": label, "total": row["total"], "pending": row["pending"],
                     "buckets": [row[f"b{i}"] for i in range(len(BUCKETS))]})
    rows.sort(key=lambda r: (-r["total"], r["label"]))
    totals = {"total": sum(r["total"] for r in rows), "pending": sum(r["pending"] for r in rows),
              "buckets": [sum(r["buckets"][i] for r in rows) for i in range(len(BUCKETS))]}
    return rows, totals


def overdue_xlsx(rows: list[dict], totals: dict, *, date_from, date_to, heading: str, mode_label: str) -> bytes:
    return table_xlsx(
        sheet=_("Просроченные звонки"),
        title=_("Просроченные звонки за %(a)s — %(b)s, %(m)s") % {
            "a": f"{date_from:%d.%m.%Y}", "b": f"{date_to:%d.%m.%Y}", "m": mode_label},
        header=[heading, _("Просрочено"), _("Не сделано"), *[str(label) for _lo, _hi, label in BUCKETS]],
        rows=([row["label"], row["total"], row["pending"], *row["buckets"]] for row in rows),
        totals=[_("Итого"), totals["total"], totals["pending"], *totals["buckets"]])
