from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "legal_crm.portal"
    label = "portal"
    verbose_name = _("Личный кабинет клиента")
