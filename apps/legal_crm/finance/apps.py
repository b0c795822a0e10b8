from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "legal_crm.finance"
    label = "finance"
    verbose_name = _("Финансы")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .models.articles import install_system_articles

        post_migrate.connect(install_system_articles, sender=self)
