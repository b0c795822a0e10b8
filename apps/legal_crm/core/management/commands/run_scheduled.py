from django.core.management.base import BaseCommand, CommandError

from legal_crm.core import scheduler


class Command(BaseCommand):
    help = "Run every job of one period (hourly, daily, weekly or a cron expression) in this process."

    def add_arguments(self, parser):
        parser.add_argument("period")

    def handle(self, *args, period, **options):
        try:
            paths = scheduler.jobs_for(period)
        except KeyError as exc:
            raise CommandError(f"Unknown period {period!r}") from exc
        for path in paths:
            result = scheduler.run_job(path)
            self.stdout.write(f"{path}: {result!r}")
