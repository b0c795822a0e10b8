from django.core.management.base import BaseCommand, CommandError

from legal_crm.core import scheduler


class Command(BaseCommand):
    help = "Run one scheduled job from hooks.SCHEDULER_EVENTS by its dotted path, in this process."

    def add_arguments(self, parser):
        parser.add_argument("path", help="e.g. legal_crm.org.jobs.expire_banners")

    def handle(self, *args, path, **options):
        try:
            result = scheduler.run_job(path)
        except KeyError as exc:
            known = "\n  ".join(scheduler.all_job_paths())
            raise CommandError(f"{exc}. Known jobs:\n  {known}") from exc
        self.stdout.write(self.style.SUCCESS(f"{path}: {result!r}"))
