"""Staff notifications of contracts: a contract signed in my office (its office heads: those who decide
terminations there); a reply from my client's number (the contract's manager)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.messaging.notifications.service import Note, notify, notify_many
from legal_crm.messaging.selectors import incoming_message

from . import perms
from .models import Contract


def office_heads(office_id: int):
    """Those who run the office: hold "decide terminations" and work in it (superusers only by their grants)."""
    return users_with_perm(perms.DECIDE_TERMINATION, superusers=False).filter(
        employee__offices=office_id).distinct()


def on_contract_signed(*, contract_id, actor_id=None, **_ignored) -> None:
    contract = Contract.objects.select_related("client").filter(pk=contract_id).first()
    if contract is None:
        return
    heads = [u for u in office_heads(contract.office_id) if u.pk != actor_id]
    notify(users=heads, kind="contracts.contract_signed", title=_("Подписан договор %(n)s") % {"n": contract.number},
           text=str(contract.client) if contract.client_id else "",
           link=reverse("admin:contracts_contract_change", args=[contract.pk]),
           subject=("contracts.contract", contract.pk), once=True)


ACTIVE = (Contract.Status.DRAFT, Contract.Status.SIGNED, Contract.Status.IN_WORK)


def on_message_received(*, message_id, **_ignored) -> None:
    """A reply from a client's number tells the manager of each of the client's contracts still in force (once per
    person and message: the lead's owner, told by leads, is not told twice)."""
    message = incoming_message(message_id)
    if message is None or message.kind not in ("sms", "whatsapp"):
        return
    contracts = (Contract.objects.filter(client__phone=message.to, status__in=ACTIVE, sales_manager__isnull=False)
                 .select_related("client").order_by("-pk")[:20])
    notify_many(kind="messaging.reply_received", once=True, notes=[
        Note(contract.sales_manager_id,
             _("Ответ клиента по договору %(n)s: %(client)s") % {"n": contract.number, "client": contract.client},
             message.text[:300], reverse("admin:contracts_contract_change", args=[contract.pk]),
             ("messaging.message", message.pk))
        for contract in contracts])
