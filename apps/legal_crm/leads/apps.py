from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "legal_crm.leads"
    label = "leads"
    verbose_name = _("Продажи")

    def ready(self):
        from . import signals

        signals.connect()
