from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "legal_crm.org"
    label = "org"
    verbose_name = _("Организация")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .time_zone import remember_zone

        user_logged_in.connect(remember_zone, dispatch_uid="org-remember-time-zone")
