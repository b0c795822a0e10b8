"""The rights of the messaging module (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from legal_crm.core.guard import Perm

ADD_MESSAGE = Perm("messaging.add_message", _("отправлять сообщения"))
ADD_OPTOUT = Perm("messaging.add_optout", _("записывать отказы от рассылок"))
ADD_CHANNEL = Perm("messaging.add_channel", _("подключать каналы сообщений"))
CHANGE_CHANNEL = Perm("messaging.change_channel", _("настраивать каналы сообщений"))
RETRY_MESSAGE = Perm("messaging.retry_message", _("повторять неотправленные сообщения"))
VIEW_MESSAGE = Perm("messaging.view_message", _("видеть журнал сообщений"))
VIEW_CHANNEL = Perm("messaging.view_channel", _("видеть каналы сообщений"))
VIEW_OPTOUT = Perm("messaging.view_optout", _("видеть отказы от рассылок"))
VIEW_TEMPLATE = Perm("messaging.view_messagetemplate", _("видеть шаблоны сообщений"))
ADD_TEMPLATE = Perm("messaging.add_messagetemplate", _("создавать шаблоны сообщений"))
CHANGE_TEMPLATE = Perm("messaging.change_messagetemplate", _("изменять шаблоны сообщений"))
DELETE_TEMPLATE = Perm("messaging.delete_messagetemplate", _("удалять шаблоны сообщений"))
VIEW_CUSTOMTAG = Perm("messaging.view_customtag", _("видеть метки сообщений"))
ADD_CUSTOMTAG = Perm("messaging.add_customtag", _("создавать метки сообщений"))
CHANGE_CUSTOMTAG = Perm("messaging.change_customtag", _("изменять метки сообщений"))
DELETE_CUSTOMTAG = Perm("messaging.delete_customtag", _("удалять метки сообщений"))
VIEW_NOTIFICATIONRULE = Perm("messaging.view_notificationrule", _("видеть настройки уведомлений групп"))
CHANGE_NOTIFICATIONRULE = Perm("messaging.change_notificationrule", _("настраивать уведомления групп"))
