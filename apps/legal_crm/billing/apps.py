from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "legal_crm.billing"
    label = "billing"
    verbose_name = _("Счета и оплаты")
