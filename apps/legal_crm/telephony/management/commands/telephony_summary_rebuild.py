"""Rebuild the daily call summary (telephony.CallDaySummary) from the call log for a day or a period — after
loading calls in bulk, or to check the counted figures. The nightly job does yesterday."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from legal_crm.core.management.day_range import parse_day_range
from legal_crm.telephony.services_summary import summary_rebuild


class Command(BaseCommand):
    help = "Пересчитать сводку звонков по дням из журнала звонков."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="Первый день, ГГГГ-ММ-ДД.")
        parser.add_argument("--to", dest="date_to", help="Последний день (по умолчанию — первый).")

    def handle(self, *args, date_from, date_to=None, **options):
        first, last = parse_day_range(date_from, date_to)
        rows, day = 0, first
        while day <= last:
            rows += summary_rebuild(day)
            day += datetime.timedelta(days=1)
        self.stdout.write(f"Сводка пересчитана: {(last - first).days + 1} дн., {rows} строк.")
