"""The rights of the marketing module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

MANAGE_PARTNER_TOKEN = Perm("marketing.manage_partner_token", _("выпускать токены API партнёров"))
VIEW_LEAD_REPORT = Perm("marketing.view_lead_report", _("видеть отчёт «Лиды по источникам»"))
