"""The rights of the quality module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_COMPLAINT = Perm("quality.view_complaint", _("видеть жалобы"))
ADD_COMPLAINT = Perm("quality.add_complaint", _("регистрировать жалобы"))
ASSIGN_COMPLAINT = Perm("quality.assign_complaint", _("назначать ответственных по жалобам"))
