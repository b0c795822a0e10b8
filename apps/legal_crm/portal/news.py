"""News on the case for the client, through messaging on the channel they chose in the portal (SMS, WhatsApp,
Telegram, e-mail): a published action (contracts.action_published) and an issued invoice (billing.invoice_issued).
Handlers of hooks.DOC_EVENTS; idempotent — a retried event finds its message already queued and sends nothing."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from legal_crm.billing.models import Invoice
from legal_crm.contracts.models import Contract
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money
from legal_crm.messaging.models import Message
from legal_crm.messaging.services import message_queue

from .models import Channel, PortalAccount
from .services.access import portal_url

logger = logging.getLogger(__name__)


def _send(account: PortalAccount, office, text: str, subject: tuple[str, int]) -> bool:
    if Message.objects.filter(subject_type=subject[0], subject_id=str(subject[1])).exists():
        return False
    to = account.news_address if account.news_channel in (Channel.EMAIL, Channel.TELEGRAM) else \
        (account.news_address or account.phone)
    try:
        message_queue(actor_or_none=None, channel_kind=account.news_channel, to=to, text=text, office=office,
                      subject=subject)
    except DomainError as exc:  # no channel of that kind in the office, a stale address: the news stays in the portal
        logger.info("portal news to account %s not queued: %s", account.pk, exc.message)
        return False
    return True


def _account(client_id) -> PortalAccount | None:
    return PortalAccount.objects.filter(client_id=client_id, status=PortalAccount.Status.ACTIVE).first()


def on_action_published(*, contract_id: int, action_id: int, client_id: int, notification_text: str = "",
                        **_payload) -> None:
    account = _account(client_id)
    contract = Contract.objects.select_related("office").filter(pk=contract_id).first()
    if account is None or contract is None:
        return
    text = _("%(news)s Подробнее в личном кабинете: %(url)s") % {
        "news": notification_text or _("По вашему делу новое событие."), "url": portal_url()}
    _send(account, contract.office, text, ("portal.news_action", action_id))


def on_invoice_issued(*, invoice_id: int, **_payload) -> None:
    invoice = Invoice.objects.select_related("contract__office").filter(pk=invoice_id).first()
    account = _account(invoice.contract.client_id) if invoice else None
    if account is None:
        return
    text = _("Выставлен счёт %(n)s на %(sum)s, оплатить до %(due)s. Оплатить можно в личном кабинете: %(url)s") % {
        "n": invoice.number, "sum": format_money(invoice.amount), "due": f"{invoice.due_date:%d.%m.%Y}",
        "url": portal_url()}
    _send(account, invoice.contract.office, text, ("portal.news_invoice", invoice.pk))
