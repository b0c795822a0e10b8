"""Rebuild the daily revenue summary (finance.RevenueDay) from billing's payments and refunds — after loading
payments in bulk, or to check the summary. Without dates: from the first payment or refund to the last. The
nightly job (finance.jobs.rebuild_recent_revenue_days) does the last few days."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from legal_crm.core.management.day_range import parse_day_range
from legal_crm.finance.services.revenue_days import revenue_days_rebuild, revenue_days_rebuild_all


class Command(BaseCommand):
    help = "Пересчитать сводку выручки по дням из платежей и возвратов."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="Первый день, ГГГГ-ММ-ДД (по умолчанию — весь период).")
        parser.add_argument("--to", dest="date_to", help="Последний день (по умолчанию — первый).")

    def handle(self, *args, date_from=None, date_to=None, **options):
        if date_to and not date_from:
            raise CommandError("Укажите и первый день (--from).")
        started = time.perf_counter()
        if date_from:
            cells = revenue_days_rebuild(*parse_day_range(date_from, date_to))
        else:
            cells = revenue_days_rebuild_all()
        self.stdout.write(f"Сводка выручки пересчитана: {cells} строк за {time.perf_counter() - started:.1f} с.")
