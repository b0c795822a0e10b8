"""The rights of the org module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_ALL_OFFICES = Perm("org.view_all_offices", _("видеть данные всех офисов"))
ADD_EMPLOYEE = Perm("org.add_employee", _("добавлять сотрудников"))
CHANGE_EMPLOYEE = Perm("org.change_employee", _("менять данные и статус сотрудников"))
VIEW_OFFBOARDINGCHECKLIST = Perm("org.view_offboardingchecklist", _("видеть обходные листы"))
VIEW_STAFFINGPLAN = Perm("org.view_staffingplan", _("видеть штатное расписание"))
ADD_STAFFINGPLAN = Perm("org.add_staffingplan", _("добавлять строки штатного расписания"))
CHANGE_STAFFINGPLAN = Perm("org.change_staffingplan", _("менять штатное расписание"))
