"""Staff notifications of leads (hooks.DOC_EVENTS → messaging.notifications.notify): a lead assigned to me, a
message about my lead that failed, a reply from my lead's number. Idempotent: a handler runs in the relay's savepoint, so a failed run leaves no
row, and a repeated event is told once (`once` per record)."""

from __future__ import annotations

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.messaging.notifications.service import notify
from legal_crm.messaging.selectors import incoming_message

from .models import Lead, ScriptMessage


def _card(lead_id: int) -> str:
    return reverse("leads_lead_card", args=[lead_id])


def on_lead_assigned(*, lead_id, assigned_to_id=None, **_ignored) -> None:
    if not assigned_to_id:
        return
    lead = Lead.objects.filter(pk=lead_id).first()
    if lead is None or lead.assigned_to_id != assigned_to_id:
        return  # passed on again before the relay ran: the current operator is told by their own event
    notify(users=[assigned_to_id], kind="leads.lead_assigned", title=_("Вам передан лид"), text=str(lead),
           link=_card(lead.pk), subject=("leads.lead", f"{lead.pk}:{assigned_to_id}"))


def on_message_status_changed(*, message_id, status, subject_type, subject_id, error_text="", **_ignored) -> None:
    """A script message about my lead was not delivered: its operator is told once per message."""
    if status != "failed" or subject_type != "leads.scriptmessage" or not str(subject_id).isdigit():
        return
    row = ScriptMessage.objects.select_related("lead").filter(pk=int(subject_id)).first()
    if row is None or row.lead.assigned_to_id is None:
        return
    notify(users=[row.lead.assigned_to_id], kind="leads.message_failed",
           title=_("Сообщение по лиду не отправлено"),
           text=_("%(lead)s: %(reason)s") % {"lead": row.lead, "reason": error_text or _("причина неизвестна")},
           link=_card(row.lead_id), subject=("messaging.message", message_id), once=True)


REPLY_KINDS = ("sms", "whatsapp")  # a Telegram chat is no phone number: no lead to find by it


def on_message_received(*, message_id, **_ignored) -> None:
    """A reply from a lead's number tells the lead's owner: the number's open lead, else its latest one unless that
    one became a client (then the contract's manager is told, contracts/handlers_notifications.py)."""
    message = incoming_message(message_id)
    if message is None or message.kind not in REPLY_KINDS:
        return
    lead = (Lead.objects.filter(phone=message.to, is_spam=False).select_related("status")
            .order_by(F("status__is_open").desc(), "-created_at", "-id").first())
    if lead is None or lead.assigned_to_id is None or (not lead.status.is_open and lead.status.is_converted):
        return
    notify(users=[lead.assigned_to_id], kind="messaging.reply_received",
           title=_("Ответ лида: %(lead)s") % {"lead": lead}, text=message.text[:300], link=_card(lead.pk),
           subject=("messaging.message", message.pk), once=True)
