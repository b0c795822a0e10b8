"""One click from the overdue list: a reminder to the client through messaging's outbox (tasks join when the
todos module is merged)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from legal_crm.billing.selectors import invoice_list_visible_to
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.formatting import format_money
from legal_crm.core.guard import ensure
from legal_crm.messaging.services import message_queue

from .. import perms


@transaction.atomic
def overdue_reminder_send(*, actor, invoice_id: int):
    ensure(actor, perms.VIEW_RECEIVABLES)
    invoice = invoice_list_visible_to(actor).filter(pk=invoice_id).select_related("contract__client",
                                                                                  "contract__office").first()
    if invoice is None:
        raise DomainError("not_found", _("Счёт не найден."))
    client = invoice.contract.client
    if not client.phone:
        raise DomainError("invalid", _("У клиента %(name)s нет телефона.") % {"name": client.name})
    text = _("Напоминаем: по счёту %(number)s просрочена оплата %(amount)s (срок был %(date)s). "
             "Пожалуйста, оплатите или свяжитесь с нами.") % {
        "number": invoice.number, "amount": format_money(invoice.amount - invoice.paid_amount),
        "date": f"{invoice.due_date:%d.%m.%Y}"}
    message = message_queue(actor_or_none=actor, channel_kind="sms", to=client.phone, text=text,
                            office=invoice.contract.office, subject=("billing.invoice", invoice.pk))
    audit(actor=actor, action="finance.overdue_reminder", obj=invoice, after={"message": message.pk})
    return message
