"""The rights of the directory module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_COUNTERPARTY = Perm("directory.view_counterparty", _("видеть контрагентов"))
ADD_COUNTERPARTY = Perm("directory.add_counterparty", _("добавлять контрагентов"))
CHANGE_COUNTERPARTY = Perm("directory.change_counterparty", _("изменять контрагентов"))
DELETE_COUNTERPARTY = Perm("directory.delete_counterparty", _("удалять контрагентов"))
