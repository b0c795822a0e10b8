from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "legal_crm.leads"
    label = "leads"
    verbose_name = _("Продажи")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import reference, signals

        signals.connect()
        # Reference data also comes back after a flush (transactional tests), not only via its migration.
        post_migrate.connect(reference.load_after_migrate, sender=self)
