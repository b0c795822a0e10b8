"""The client card (directory.Counterparty's desk page) shows whether the client uses the portal: access, last
visit, published actions read (hooks.DESK_EXTENSIONS; directory never imports the portal)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.admin_base import DeskExtension

from . import perms
from .models import ActionReceipt, PortalAccount


class ClientPortalExtension(DeskExtension):
    def blocks(self, request, obj):
        if obj is None or not obj.pk or not request.user.has_perm(perms.VIEW_PORTALACCOUNT):
            return []

        def usage(client):
            account = PortalAccount.objects.filter(client=client).first()
            if account is None:
                return _("Нет доступа (открывается при подписании договора).")
            visit = (f"{timezone.localtime(account.last_visit_at):%d.%m.%Y %H:%M}" if account.last_visit_at
                     else _("ещё не входил"))
            read = ActionReceipt.objects.filter(account=account).count()
            return format_html('{} · {}: {} · {}: {} · <a class="text-primary-600" href="{}">{}</a>',
                               account.get_status_display(), _("последний визит"), visit, _("прочитано действий"),
                               read, reverse("admin:portal_portalaccount_change", args=[account.pk]),
                               _("доступ к кабинету"))

        return [(gettext_lazy("Личный кабинет"), [(gettext_lazy("Использование"), usage)])]
