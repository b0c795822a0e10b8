from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo data and the demo logins. Safe to run again."

    def handle(self, *args, **options):
        from legal_crm import hooks
        from legal_crm.core.access_sync import sync_groups

        sync_groups()
        for path in hooks.DEMO_SEEDERS:
            with transaction.atomic():
                summary = import_string(path)()
            self.stdout.write(f"{path}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
