"""The rights of the leads module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

VIEW_LEAD = Perm("leads.view_lead", _("видеть лиды"))
ADD_LEAD = Perm("leads.add_lead", _("добавлять лиды"))
CHANGE_LEAD = Perm("leads.change_lead", _("изменять лиды"))
REASSIGN_LEAD = Perm("leads.reassign_lead", _("переназначать лиды"))
TAKE_LEADS = Perm("leads.take_leads", _("получать новые лиды при распределении"))
RESTORE_SPAM = Perm("leads.restore_spam", _("восстанавливать лиды из спама"))
MERGE_CLIENTS = Perm("leads.merge_clients", _("объединять дубли клиентов"))
ADD_LEADANSWER = Perm("leads.add_leadanswer", _("заполнять анкету лида"))
VIEW_PLANNEDCALL = Perm("leads.view_plannedcall", _("видеть запланированные звонки"))
ADD_PLANNEDCALL = Perm("leads.add_plannedcall", _("планировать звонки"))
CHANGE_PLANNEDCALL = Perm("leads.change_plannedcall", _("изменять запланированные звонки"))
ADD_SEGMENTTHRESHOLD = Perm("leads.add_segmentthreshold", _("добавлять пороги сегментов"))
CHANGE_SEGMENTTHRESHOLD = Perm("leads.change_segmentthreshold", _("изменять пороги сегментов"))
DELETE_SEGMENTTHRESHOLD = Perm("leads.delete_segmentthreshold", _("удалять пороги сегментов"))
ADD_DISTRIBUTIONRULE = Perm("leads.add_distributionrule", _("добавлять правила распределения"))
CHANGE_DISTRIBUTIONRULE = Perm("leads.change_distributionrule", _("изменять правила распределения"))
DELETE_DISTRIBUTIONRULE = Perm("leads.delete_distributionrule", _("удалять правила распределения"))
VIEW_SCRIPT = Perm("leads.view_script", _("видеть скрипты звонков"))
VIEW_SCRIPTENROLLMENT = Perm("leads.view_scriptenrollment", _("видеть лиды в скриптах"))
VIEW_SCRIPTMOVE = Perm("leads.view_scriptmove", _("видеть перемещения по скриптам"))
VIEW_SCRIPTMESSAGE = Perm("leads.view_scriptmessage", _("видеть сообщения скриптов"))
MOVE_SCRIPTENROLLMENT = Perm("leads.move_scriptenrollment", _("перемещать карточки лидов по скрипту"))
