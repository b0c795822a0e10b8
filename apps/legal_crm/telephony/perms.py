"""The rights of the telephony module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

MAKE_CALL = Perm("telephony.add_call", _("звонить через АТС"))
VIEW_CALL = Perm("telephony.view_call", _("видеть журнал звонков"))
CHANGE_CALL = Perm("telephony.change_call", _("записывать итог звонка"))
LISTEN_RECORDING = Perm("telephony.listen_recording", _("слушать записи разговоров"))
VIEW_STATS = Perm("telephony.view_call_stats", _("видеть статистику звонков"))
VIEW_PBX = Perm("telephony.view_pbx", _("видеть настройки АТС"))
ADD_PBX = Perm("telephony.add_pbx", _("подключать АТС"))
CHANGE_PBX = Perm("telephony.change_pbx", _("настраивать АТС"))
VIEW_NUMBER = Perm("telephony.view_companynumber", _("видеть номера компании"))
CHANGE_NUMBER = Perm("telephony.change_companynumber", _("настраивать номера компании"))
VIEW_SIP = Perm("telephony.view_sipaccount", _("видеть внутренние номера"))
CHANGE_SIP = Perm("telephony.change_sipaccount", _("настраивать внутренние номера"))
