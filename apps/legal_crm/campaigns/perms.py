"""The rights of the campaigns module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_CAMPAIGN = Perm("campaigns.view_campaign", _("видеть рассылки"))
ADD_CAMPAIGN = Perm("campaigns.add_campaign", _("создавать рассылки"))
CHANGE_CAMPAIGN = Perm("campaigns.change_campaign", _("изменять рассылки"))
RUN_CAMPAIGN = Perm("campaigns.run_campaign", _("запускать, приостанавливать и отменять рассылки"))
