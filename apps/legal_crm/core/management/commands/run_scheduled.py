import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legal_crm.core import scheduler


class Command(BaseCommand):
    help = ("Run every job of one period (hourly, daily, weekly or a cron expression) in this process; with "
            "--forever, run each job when it comes due, as Celery beat would (the embedded default, bin/run).")

    def add_arguments(self, parser):
        parser.add_argument("period", nargs="?")
        parser.add_argument("--forever", action="store_true")

    def handle(self, *args, period=None, forever=False, **options):
        if forever:
            return self._forever()
        if not period:
            raise CommandError("Name a period, or --forever")
        try:
            paths = scheduler.jobs_for(period)
        except KeyError as exc:
            raise CommandError(f"Unknown period {period!r}") from exc
        for path in paths:
            result = scheduler.run_job(path)
            self.stdout.write(f"{path}: {result!r}")

    def _forever(self):
        parent, last_runs = os.getppid(), {}
        while os.getppid() == parent:  # bin/run's shell gone (the server stopped): so is this
            scheduler.run_due(last_runs, timezone.now())
            time.sleep(10)
