"""The rights of the portal module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_PORTALACCOUNT = Perm("portal.view_portalaccount", _("видеть доступ клиентов к личному кабинету"))
MANAGE_PORTALACCOUNT = Perm("portal.manage_portal_access",
                            _("приглашать клиентов в личный кабинет и закрывать им доступ"))
