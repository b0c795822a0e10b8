"""Keeping the daily revenue summary (models.RevenueDay) equal to billing's payments and refunds.

Every write here RECOMPUTES cells from billing's rows — nothing is ever added to a stored figure — so an event
delivered twice, a rebuild run twice or a handler racing the nightly job all end with the same cells:

- `revenue_day_rebuild(office_id, day)`: the cells of one office and day (every service), from the payments paid
  that day and the refunds made that day on the office's contracts — the handlers of billing's and contracts'
  events call it for the days a change touched;
- `revenue_days_rebuild(date_from, date_to)`: every cell of a period, one grouped INSERT … SELECT per chunk of days
  — the migration's backfill, the nightly safety net (jobs.rebuild_recent_revenue_days) and
  `manage.py rebuild_revenue_days`.

A day is the local date in settings.TIME_ZONE, cut exactly as report_common.period_bounds cuts a period: a payment at
23:30 local time belongs to that day whatever its UTC date."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.apps import apps as global_apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Sum

from legal_crm.billing.models import Payment, Refund
from legal_crm.core.money import KOPECK
from legal_crm.org.models import Office

from ..models import RevenueDay

CHUNK_DAYS = 31
RECENT_REVENUE_DAYS = 3  # what the nightly job rebuilds (jobs.rebuild_recent_revenue_days)
ZERO = Decimal("0.00")


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = local_zone()
    return (datetime.datetime.combine(day, datetime.time.min, zone),
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, zone))


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(local_zone()).date()


def _money(value) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(KOPECK)


@transaction.atomic
def revenue_day_rebuild(office_id: int, day: datetime.date) -> int:
    """The office's cells of `day` again from billing's rows: created, updated or deleted (a day with neither a
    payment nor a refund keeps no row). Returns the number of cells the day has now."""
    # Rebuilds of one office wait for each other; under READ COMMITTED (Django's MySQL default) the sums below then
    # see every payment committed before this one took the lock, so the last writer always writes the full figures.
    if not list(Office.objects.select_for_update().filter(pk=office_id).values_list("pk", flat=True)):
        return 0
    start, end = day_bounds(day)
    cells: dict[int, dict] = {}
    for row in (Payment.objects.filter(contract__office_id=office_id, paid_at__gte=start, paid_at__lt=end)
                .order_by().values("contract__service_id").annotate(s=Sum("amount"), n=Count("id"))):
        cells[row["contract__service_id"]] = {"received": _money(row["s"]), "refunded": ZERO, "payments": row["n"]}
    for row in (Refund.objects.filter(payment__contract__office_id=office_id, refunded_at__gte=start,
                                      refunded_at__lt=end)
                .order_by().values("payment__contract__service_id").annotate(s=Sum("amount"))):
        cell = cells.setdefault(row["payment__contract__service_id"],
                                {"received": ZERO, "refunded": ZERO, "payments": 0})
        cell["refunded"] = _money(row["s"])
    RevenueDay.objects.filter(office_id=office_id, day=day).exclude(service_id__in=list(cells)).delete()
    # Written by key, not by a row read earlier: a bulk rebuild may have deleted and re-inserted the row meanwhile.
    for service_id, figures in cells.items():
        key = {"office_id": office_id, "service_id": service_id, "day": day}
        if RevenueDay.objects.filter(**key).update(**figures):
            continue
        try:
            with transaction.atomic():  # a savepoint: a bulk rebuild may insert the same cell at this moment
                RevenueDay.objects.create(**key, **figures)
        except IntegrityError:
            RevenueDay.objects.filter(**key).update(**figures)
    return len(cells)


def revenue_days_of_contract(contract_id: int) -> set[datetime.date]:
    """The days the contract's payments were paid and its refunds made: the cells its office or service is in."""
    moments = list(Payment.objects.filter(contract_id=contract_id).values_list("paid_at", flat=True))
    moments += list(Refund.objects.filter(payment__contract_id=contract_id).values_list("refunded_at", flat=True))
    return {local_day(moment) for moment in moments}


def _offset_seconds(moment: datetime.datetime) -> int:
    return int(moment.utcoffset().total_seconds())


def _chunks(date_from: datetime.date, date_to: datetime.date):
    """(first, last, offset) runs of days whose whole span has one UTC offset (offset None: a day with a clock change,
    done alone with its bounds), at most CHUNK_DAYS long."""
    day, run_start, run_offset = date_from, None, None
    while day <= date_to:
        start, end = day_bounds(day)
        offset = _offset_seconds(start) if _offset_seconds(start) == _offset_seconds(end) else None
        if offset is None:
            if run_start is not None:
                yield run_start, day - datetime.timedelta(days=1), run_offset
                run_start = None
            yield day, day, None
        elif run_start is None:
            run_start, run_offset = day, offset
        elif offset != run_offset or (day - run_start).days >= CHUNK_DAYS:
            yield run_start, day - datetime.timedelta(days=1), run_offset
            run_start, run_offset = day, offset
        day += datetime.timedelta(days=1)
    if run_start is not None:
        yield run_start, date_to, run_offset


def _day_sql(column: str, offset: int | None) -> tuple[str, list]:
    """The local date of a UTC datetime column as SQL; None: the chunk is one day, given as a parameter."""
    if offset is None:
        return "%s", []
    if connection.vendor == "sqlite":
        return f"date({column}, %s)", [f"{offset:+d} seconds"]
    return f"DATE(DATE_ADD({column}, INTERVAL %s SECOND))", [offset]


def revenue_days_rebuild(date_from: datetime.date, date_to: datetime.date, *, apps=None) -> int:
    """Every cell from `date_from` to `date_to` (inclusive) again: per chunk of days, delete the chunk's cells and
    insert them grouped from payments and refunds in one statement. `apps`: a migration's app registry (the
    backfill), else the project's models. Returns the number of cells written."""
    registry = apps or global_apps
    day_table = registry.get_model("finance", "RevenueDay")._meta.db_table
    payment = registry.get_model("billing", "Payment")._meta.db_table
    refund = registry.get_model("billing", "Refund")._meta.db_table
    contract = registry.get_model("contracts", "Contract")._meta.db_table
    ops, written = connection.ops, 0
    for first, last, offset in _chunks(date_from, date_to):
        start, _end = day_bounds(first)
        _start, end = day_bounds(last)
        bounds = [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
        paid_day, paid_params = _day_sql("p.paid_at", offset)
        refund_day, refund_params = _day_sql("r.refunded_at", offset)
        if offset is None:
            paid_params = refund_params = [ops.adapt_datefield_value(first)]
        day_col = ops.quote_name("day")
        # GROUP BY by position: the day expression is written once, with its parameter.
        sql = f"""
            INSERT INTO {day_table} (office_id, service_id, {day_col}, received, refunded, payments)
            SELECT office_id, service_id, cell_day, SUM(received), SUM(refunded), SUM(n) FROM (
                SELECT c.office_id AS office_id, c.service_id AS service_id, {paid_day} AS cell_day,
                       SUM(p.amount) AS received, 0 AS refunded, COUNT(*) AS n
                FROM {payment} p JOIN {contract} c ON c.id = p.contract_id
                WHERE p.paid_at >= %s AND p.paid_at < %s
                GROUP BY 1, 2, 3
                UNION ALL
                SELECT c.office_id, c.service_id, {refund_day}, 0, SUM(r.amount), 0
                FROM {refund} r JOIN {payment} p ON p.id = r.payment_id JOIN {contract} c ON c.id = p.contract_id
                WHERE r.refunded_at >= %s AND r.refunded_at < %s
                GROUP BY 1, 2, 3
            ) cells GROUP BY 1, 2, 3"""
        params = [*paid_params, *bounds, *refund_params, *bounds]
        for attempt in range(3):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {day_table} WHERE {day_col} >= %s AND {day_col} <= %s",
                                   [ops.adapt_datefield_value(first), ops.adapt_datefield_value(last)])
                    cursor.execute(sql, params)
                    written += max(cursor.rowcount, 0)
                break
            except IntegrityError:  # a handler wrote one of the chunk's cells between the DELETE and the INSERT
                if attempt == 2:
                    raise
    return written


def revenue_days_rebuild_all(*, apps=None) -> int:
    """Every cell from the first payment or refund to the last (the migration's backfill; nothing on an empty
    database)."""
    registry = apps or global_apps
    payments = registry.get_model("billing", "Payment").objects
    refunds = registry.get_model("billing", "Refund").objects
    paid = payments.aggregate(first=Min("paid_at"), last=Max("paid_at"))
    refunded = refunds.aggregate(first=Min("refunded_at"), last=Max("refunded_at"))
    moments = [m for m in (paid["first"], paid["last"], refunded["first"], refunded["last"]) if m is not None]
    if not moments:
        return 0
    return revenue_days_rebuild(local_day(min(moments)), local_day(max(moments)), apps=apps)
