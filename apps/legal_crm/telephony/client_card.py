"""Telephony on the client card (directory.Counterparty's desk page, through hooks.DESK_EXTENSIONS — directory
never imports telephony): «Позвонить» with the same call window as the lead card, and the client's last calls.
The button names the card, never the number: `client_subject` (hooks.TELEPHONY_CALL_SUBJECTS["client"]) reads the
phone from a card the user sees."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.admin_base import DeskExtension
from legal_crm.directory.models import Counterparty
from legal_crm.directory.selectors import counterparty_list_visible_to

from . import perms
from .buttons import call_button_html
from .models import Call
from .selectors import call_list_visible_to

LAST_CALLS = 5


def client_subject(pk: int, user) -> dict | None:
    """The card's phone; the call is the actor's office's (call_start takes their main office)."""
    card = counterparty_list_visible_to(user).filter(pk=pk, role=Counterparty.Role.CLIENT).first()
    if card is None or not card.phone:
        return None
    return {"phone": card.phone, "counterparty_id": card.pk}


def _last_calls(user, card) -> str:
    condition = Q(counterparty_id=card.pk) | (Q(client_phone=card.phone) if card.phone else Q(pk__in=[]))
    calls = list(call_list_visible_to(user).filter(condition).exclude(result=Call.Result.FAILED)[:LAST_CALLS])
    if not calls:
        return _("Звонков не было.")
    return format_html_join(
        "", "<div>{} · {} · {} · {}</div>",
        ((f"{timezone.localtime(c.started_at):%d.%m.%Y %H:%M}", c.get_direction_display(),
          c.get_result_display() if c.result else c.get_state_display(), c.employee or "—") for c in calls))


class ClientCallExtension(DeskExtension):
    def blocks(self, request, obj):
        if obj is None or not obj.pk or obj.role != Counterparty.Role.CLIENT:
            return []
        user = request.user
        rows = []
        if obj.phone and user.has_perm(perms.MAKE_CALL):
            rows.append((gettext_lazy("Позвонить клиенту"), lambda card: call_button_html("client", card.pk)))
        if user.has_perm(perms.VIEW_CALL):
            rows.append((gettext_lazy("Последние звонки"), lambda card: _last_calls(user, card)))
        return [(gettext_lazy("Телефония"), rows)] if rows else []
