"""Online payment of an invoice through the gateway (gateway.py), landing in billing with method «портал».

The order matters for «neither lost nor doubled»: the OnlinePayment row with its idempotence key is committed
before the gateway is called, so a retried start sends the same key and the gateway returns the same payment.
Whether money arrived is only ever learnt from the gateway's API (payment_sync re-reads the payment); a webhook
is a hint to ask, so a forged one changes nothing, and a repeated or late one finds the payment already landed
(billing's payment_register is idempotent by the gateway's payment id as external reference as well).
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing.models import Invoice, PaymentMethod
from legal_crm.billing.services.payments import payment_register
from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError

from ..models import OnlinePayment, PortalAccount
from . import gateway

logger = logging.getLogger(__name__)


def amount_due(invoice: Invoice):
    return invoice.amount - invoice.paid_amount


# How long a request creating a payment may still be waiting for the gateway's answer (the adapter's connect and
# read timeouts, and a margin): until then a second tap waits for it; after that the request is taken as dead.
GATEWAY_CALL_WINDOW = datetime.timedelta(seconds=sum(gateway.TIMEOUT) + 5)


def payment_start(*, account: PortalAccount, invoice: Invoice, return_url) -> OnlinePayment:
    """Create the gateway payment for what is due on the invoice; `return_url(online_payment)` is where the
    gateway sends the client back. Returns the row with its confirmation URL.

    Taps are serialised on the invoice's row: while one online payment of the due amount is pending, every tap gets
    that one — its page once the gateway has answered, «Платёж уже создаётся…» while its request is out, and after a
    failed or lost request the same request again with the same idempotence key, so the gateway hands back the
    payment it may have made. A second payment is never created for the same invoice and amount."""
    if not gateway.enabled():
        raise DomainError("gateway_off", _("Оплата онлайн пока не подключена. Оплатите по реквизитам счёта."))
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("contract").get(pk=invoice.pk)
        due = amount_due(invoice)
        if invoice.status not in Invoice.OPEN_STATUSES or due <= 0:
            raise DomainError("invoice_not_payable", _("Счёт %(n)s не ждёт оплаты.") % {"n": invoice.number})
        now = timezone.now()
        row = (OnlinePayment.objects.filter(invoice=invoice, account=account, amount=due,
                                            status=OnlinePayment.Status.PENDING)
               .order_by("-created_at", "-id").first())
        if row is not None and row.confirmation_url:  # a second tap on «Оплатить»: the same payment page
            return row
        if row is not None and row.gateway_call_at and now - row.gateway_call_at < GATEWAY_CALL_WINDOW:
            raise DomainError("payment_in_progress", _("Платёж уже создаётся, подождите несколько секунд и обновите "
                                                       "страницу."))
        if row is None:
            row = OnlinePayment.objects.create(account=account, invoice=invoice, amount=due,
                                               idempotence_key=uuid.uuid4(), gateway_call_at=now)
            audit(actor=None, action="portal.payment_start", obj=row, after={"invoice": invoice.number,
                                                                             "amount": str(due)})
        else:  # the earlier request failed or was lost: ask again under the same key
            OnlinePayment.objects.filter(pk=row.pk).update(gateway_call_at=now)
            row.gateway_call_at = now
    try:
        created = gateway.client().create_payment(
            idempotence_key=str(row.idempotence_key), amount=row.amount,
            description=_("Оплата счёта %(n)s") % {"n": invoice.number}, return_url=return_url(row),
            metadata={"online_payment_id": row.pk, "invoice": invoice.number})
    except gateway.GatewayError as exc:
        # the request is over (a lost answer too: the gateway may hold the payment, the next tap asks for it again)
        OnlinePayment.objects.filter(pk=row.pk, gateway_call_at=row.gateway_call_at).update(gateway_call_at=None)
        logger.warning("portal payment %s: gateway refused: %s %s", row.pk, exc.code, exc.message)
        raise DomainError("gateway_error", _("Платёжная система сейчас недоступна, попробуйте позже.")) from exc
    OnlinePayment.objects.filter(pk=row.pk).update(gateway_id=created.id, confirmation_url=created.confirmation_url,
                                                   gateway_call_at=None)
    row.gateway_id, row.confirmation_url, row.gateway_call_at = created.id, created.confirmation_url, None
    return row


def payment_sync(*, gateway_id: str) -> OnlinePayment | None:
    """Ask the gateway what happened to the payment and land it in billing once it succeeded. Idempotent; a
    payment we never started, or one the gateway does not know, changes nothing."""
    row = OnlinePayment.objects.filter(gateway_id=gateway_id).first() if gateway_id else None
    if row is None:
        return None
    if row.status != OnlinePayment.Status.PENDING:
        return row
    try:
        remote = gateway.client().get_payment(gateway_id)
    except gateway.GatewayError as exc:
        logger.warning("portal payment %s: status not read: %s", row.pk, exc.code)
        return row
    if remote.id != row.gateway_id:
        return row
    if remote.status == gateway.SUCCEEDED and remote.paid:
        if remote.amount != row.amount or remote.currency != "RUB":
            logger.error("portal payment %s: gateway amount %s %s differs from %s", row.pk, remote.amount,
                         remote.currency, row.amount)
            return row
        return _land(row)
    if remote.status == gateway.CANCELED:
        with transaction.atomic():
            OnlinePayment.objects.filter(pk=row.pk, status=OnlinePayment.Status.PENDING).update(
                status=OnlinePayment.Status.CANCELED)
        row.refresh_from_db()
    return row


@transaction.atomic
def _land(row: OnlinePayment) -> OnlinePayment:
    row = OnlinePayment.objects.select_for_update().select_related("invoice").get(pk=row.pk)
    if row.payment_id:
        return row
    now = timezone.now()
    # as_advance: the money has arrived; if the office took a payment on the same invoice meanwhile, the excess is
    # the contract's advance (billing's rule), never refused.
    payment = payment_register(actor=None, invoice=row.invoice, amount=row.amount, method=PaymentMethod.PORTAL,
                               paid_at=now, external_ref=row.gateway_id, as_advance=True,
                               comment=_("Оплата в личном кабинете"))
    row.payment, row.status, row.paid_at = payment, OnlinePayment.Status.SUCCEEDED, now
    row.save(update_fields=["payment", "status", "paid_at", "updated_at"])
    return row
