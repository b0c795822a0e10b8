"""What messaging adds to a person's cards: the lead card's timeline (hooks.LEAD_TIMELINE_SOURCES) and a section of
the client card (hooks.DESK_EXTENSIONS "directory.counterparty") — the messages to and from the person's phone
(incoming replies included) and their refusal of advertising, with where it came from.

The card is the scope: whoever may open the person's card sees what was written to them and what they answered
(as with the script messages already on it); the SMS log itself stays behind its own permission. A one-time code is
shown masked. Script messages are left out of the timeline here — leads shows them with their script step.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from legal_crm.core.admin_base import DeskExtension
from legal_crm.core.validators import format_phone  # an e-mail address passes unchanged

from . import perms
from .models import Message, OptOut
from .selectors import opt_outs, person_messages


def shown_text(message: Message) -> str:
    return _("скрыт: одноразовый код") if message.is_secret else message.text


def title_of(message: Message) -> str:
    if message.direction == Message.Direction.INCOMING:
        return _("%(kind)s от клиента с %(to)s") % {"kind": message.get_kind_display(), "to": format_phone(message.to)}
    return _("%(kind)s на %(to)s (%(status)s)") % {"kind": message.get_kind_display(), "to": format_phone(message.to),
                                                   "status": message.get_status_display().lower()}


def opt_out_title(row: OptOut) -> str:
    return _("Отказ от рекламных рассылок: %(address)s") % {"address": format_phone(row.address)}


def _message_url(message: Message) -> str:
    try:
        return reverse("admin:messaging_message_change", args=[message.pk])
    except NoReverseMatch:
        return ""


def lead_timeline(lead, lead_ids, user, client_ids=()) -> list[dict]:
    """The person's messages (both ways) and refusal of advertising on the lead card: two queries."""
    phones = {lead.phone}
    if client_ids:
        from legal_crm.directory.models import Counterparty

        phones.update(Counterparty.objects.filter(pk__in=list(client_ids)).exclude(phone="")
                      .values_list("phone", flat=True))
    can_open = bool(getattr(user, "has_perm", None) and user.has_perm(perms.VIEW_MESSAGE))
    rows = []
    for message in person_messages(phones):
        text = shown_text(message)[:300]
        if message.error_text and message.direction == Message.Direction.OUTGOING:
            text += f"\n{_('Причина')}: {message.error_text}"
        rows.append({"at": message.created_at, "kind": "message", "title": title_of(message), "text": text,
                     "url": _message_url(message) if can_open else ""})
    for row in opt_outs(phones):
        rows.append({"at": row.created_at, "kind": "optout", "title": opt_out_title(row),
                     "text": _("навсегда · %(source)s") % {"source": row.source or "—"}})
    return rows


class ClientMessagesExtension(DeskExtension):
    """The client card's «Сообщения» section: refusal of advertising and the latest messages both ways."""

    def blocks(self, request, obj):
        if obj is None or not obj.pk or not getattr(obj, "phone", ""):
            return []

        def refusal(client):
            found = opt_outs([client.phone])
            if not found:
                return _("нет — реклама с согласия клиента разрешена")
            row = found[0]
            return format_html("{} · {} · {}", _("отказался навсегда"), f"{timezone.localtime(row.created_at):%d.%m.%Y %H:%M}",
                               row.source or "—")

        def latest(client):
            found = person_messages([client.phone], limit=10)
            if not found:
                return _("сообщений нет")
            return format_html("<ul>{}</ul>", format_html_join(
                "", "<li>{} · {}: {}</li>",
                ((f"{timezone.localtime(m.created_at):%d.%m.%Y %H:%M}", title_of(m), shown_text(m)[:200]) for m in found)))

        return [(gettext_lazy("Сообщения"), [(gettext_lazy("Отказ от рассылок"), refusal),
                                              (gettext_lazy("Последние сообщения"), latest)])]
