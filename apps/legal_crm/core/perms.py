"""The rights of core (core.guard.Perm: the permission's name and what it allows, in Russian)."""

from django.utils.translation import gettext_lazy as _

from .guard import Perm

VIEW_EVENTDELIVERY = Perm("core.view_eventdelivery", _("видеть сбои обработки"))
RETRY_EVENTDELIVERY = Perm("core.retry_eventdelivery", _("повторять и закрывать сбои обработки"))
VIEW_JOBRUN = Perm("core.view_jobrun", _("видеть журнал заданий"))
