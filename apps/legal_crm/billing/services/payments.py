"""Registering payments, refunds and advances. Every write here goes through the ledger.

The overpayment rule
--------------------
A payment is registered against one invoice and may cover at most what is still due on it
(amount − paid). A larger payment is refused (code ``overpayment``) unless the person registering
it explicitly accepts the excess as an advance (``as_advance=True``): then the invoice is paid in full
and the excess is recorded as the contract's advance (ledger account ``advance``). An advance is
never spent silently: ``advance_apply`` credits it to another invoice of the same contract, and
``payment_refund`` returns it to the client (advance first, then what the payment paid on invoices).

Every operation writes ledger rows that balance — cash = invoice + advance — so at any time:
payments − refunds = Σ ledger cash; an invoice's paid amount = Σ its allocations = Σ its ledger
"invoice" rows; the contract's advance = Σ its ledger "advance" rows ≥ 0.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.billing import perms
from legal_crm.core.audit import audit
from legal_crm.core.dates import PAST_EVENT, date_or_domain_error
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money as format_rub
from legal_crm.core.guard import ensure

from ..models import Invoice, LedgerEntry, Payment, PaymentAllocation, PaymentMethod, Refund
from .common import ensure_contract_scope, money_sum, setting, to_money
from .invoices import recompute_invoice

ZERO = Decimal("0.00")
# Methods whose balances another module keeps (finance: certificates, bonuses). Without a provider in
# hooks.PAYMENT_METHOD_PROVIDERS they are refused with these words.
UNAVAILABLE_METHODS = {
    PaymentMethod.CERTIFICATE: _("Оплата сертификатом будет доступна в модуле финансов."),
    PaymentMethod.BONUS: _("Оплата бонусами будет доступна в модуле финансов."),
}
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}


def check_document(document) -> None:
    """A payment document is a PDF, JPEG or PNG (checked by its first bytes) of a limited size."""
    max_mb = setting("BILLING_DOCUMENT_MAX_MB", 10)
    name = (getattr(document, "name", "") or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in DOCUMENT_SIGNATURES:
        message = _("Платёжный документ принимается в формате PDF, JPG или PNG.")
        raise DomainError("document_type", message, fields={"document": message})
    if document.size > max_mb * 1024 * 1024:
        message = _("Файл больше %(mb)s МБ: уменьшите его или отсканируйте заново.") % {"mb": max_mb}
        raise DomainError("document_too_large", message, fields={"document": message})
    document.seek(0)
    head = document.read(16)
    document.seek(0)
    if not any(head.startswith(sig) for sig in DOCUMENT_SIGNATURES[ext]):
        message = _("Содержимое файла не соответствует расширению %(ext)s.") % {"ext": ext}
        raise DomainError("document_type", message, fields={"document": message})


def method_provider(method: str):
    """The higher module's function that spends the balance behind a method (a certificate, bonuses):
    `(*, actor, payment, invoice, reference)`, run inside the payment's transaction; None for plain money."""
    from django.utils.module_loading import import_string

    from legal_crm import hooks

    path = hooks.PAYMENT_METHOD_PROVIDERS.get(method)
    return import_string(path) if path else None


def method_refund_provider(method: str):
    """The higher module's function that gives a refunded part back to the balance behind the method (the
    certificate, the bonus account): `(*, actor, payment, refund)`, run inside the refund's transaction."""
    from django.utils.module_loading import import_string

    from legal_crm import hooks

    path = hooks.PAYMENT_METHOD_REFUND_PROVIDERS.get(method)
    return import_string(path) if path else None


def available_methods() -> list[tuple[str, str]]:
    return [(value, label) for value, label in PaymentMethod.choices
            if value not in UNAVAILABLE_METHODS or method_provider(value) is not None]


def _check_method(method: str) -> None:
    if method not in PaymentMethod.values:
        message = _("Неизвестный способ оплаты.")
        raise DomainError("method_invalid", message, fields={"method": message})
    if method in UNAVAILABLE_METHODS and method_provider(method) is None:
        message = str(UNAVAILABLE_METHODS[method])
        raise DomainError("method_unavailable", message, fields={"method": message})


def _ledger(operation, payment: Payment, *, cash=ZERO, invoice_parts=(), advance=ZERO, refund=None) -> None:
    """Write one balanced operation: cash = Σ invoice parts + advance."""
    total_invoice = sum((amount for _inv, amount in invoice_parts), ZERO)
    if cash != total_invoice + advance:
        raise AssertionError("unbalanced ledger operation")
    rows = []
    common = {"operation": operation, "contract_id": payment.contract_id, "payment": payment, "refund": refund}
    if cash:
        rows.append(LedgerEntry(account=LedgerEntry.Account.CASH, amount=cash, **common))
    for invoice, amount in invoice_parts:
        if amount:
            rows.append(LedgerEntry(account=LedgerEntry.Account.INVOICE, amount=amount, invoice=invoice, **common))
    if advance:
        rows.append(LedgerEntry(account=LedgerEntry.Account.ADVANCE, amount=advance, **common))
    LedgerEntry.objects.bulk_create(rows)


def payment_unallocated(payment: Payment) -> Decimal:
    """What of this payment is held as advance: received − credited to invoices − refunded."""
    allocated = money_sum(payment.allocations.aggregate(s=Sum("amount"))["s"])
    return payment.amount - allocated - payment.refunded_amount


def _existing_by_reference(method: str, external_ref: str | None):
    if not external_ref:
        return None
    return Payment.objects.filter(method=method, external_ref=external_ref).first()


def _duplicate(existing: Payment, actor) -> DomainError:
    if _may_see(actor, existing):
        message = _("Платёж с номером документа «%(ref)s» уже зарегистрирован (%(date)s, счёт %(invoice)s): "
                    "повторно он не принимается.") % {"ref": existing.external_ref,
                                                       "date": f"{timezone.localtime(existing.paid_at):%d.%m.%Y}",
                                                       "invoice": existing.invoice.number}
    else:  # another office's payment: that it exists is all this office learns
        message = _("Платёж с номером документа «%(ref)s» уже зарегистрирован: повторно он не принимается.") % {
            "ref": existing.external_ref}
    return DomainError("duplicate_reference", message, fields={"external_ref": message})


def _may_see(actor, payment: Payment) -> bool:
    try:
        ensure_contract_scope(actor, payment.invoice.contract)
    except DomainError:
        return False
    return True


@transaction.atomic
def payment_register(*, actor, invoice: Invoice, amount, method: str, paid_at: datetime.datetime | None = None,
                     external_ref: str | None = None, document=None, as_advance: bool = False,
                     comment: str = "", reference: str = "") -> Payment:
    """Register money received against an invoice (see the module docstring for the overpayment rule).

    Idempotent by external reference: the same (method, reference) for the same invoice and amount returns
    the payment already registered (its `replayed` attribute is True) and writes nothing; the same
    reference with other data is refused with code ``duplicate_reference``.

    A method with a provider (a certificate, bonuses: `reference` names the certificate or the bonus group)
    pays at most what is due, and its provider spends the balance in this transaction: a refusal there
    leaves nothing of the payment.
    """
    # A portal payment is registered by no person: the portal does it once the gateway's API confirmed the money.
    ensure(actor, perms.ADD_PAYMENT, system_ok=method == PaymentMethod.PORTAL)
    amount = to_money(amount)
    _check_method(method)
    external_ref = (external_ref or "").strip()[:100] or None
    paid_at = paid_at or timezone.now()
    if paid_at > timezone.now() + datetime.timedelta(days=1):
        message = _("Дата оплаты не может быть в будущем.")
        raise DomainError("paid_at_future", message, fields={"paid_at": message})
    date_or_domain_error(paid_at, PAST_EVENT, "paid_at")
    if document:
        check_document(document)

    invoice = Invoice.objects.select_for_update().select_related("contract").get(pk=invoice.pk)
    if actor is not None:
        ensure_contract_scope(actor, invoice.contract)
    existing = _existing_by_reference(method, external_ref)
    if existing is not None:
        if existing.invoice_id == invoice.pk and existing.amount == amount:
            existing.replayed = True
            return existing
        raise _duplicate(existing, actor)
    if invoice.is_cancelled:
        raise DomainError("invoice_cancelled", _("Счёт %(number)s отменён: оплату по нему принять нельзя.")
                          % {"number": invoice.number})
    due = invoice.amount - invoice.paid_amount
    applied = min(amount, due)
    excess = amount - applied
    if excess > 0 and not as_advance:
        message = _("Платёж %(amount)s больше суммы к оплате по счёту %(number)s (%(due)s). Уменьшите сумму "
                    "или отметьте, что излишек принимается авансом по договору.") % {
            "amount": format_rub(amount), "number": invoice.number, "due": format_rub(due)}
        raise DomainError("overpayment", message, fields={"amount": message})
    provider = method_provider(method)
    if provider is not None and excess > 0:
        message = _("Сертификатом и бонусами оплачивается не больше суммы к оплате по счёту (%(due)s).") % {
            "due": format_rub(due)}
        raise DomainError("method_no_advance", message, fields={"amount": message})

    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                contract_id=invoice.contract_id, invoice=invoice, amount=amount, advance_amount=excess,
                method=method, paid_at=paid_at, external_ref=external_ref, comment=(comment or "")[:300],
                created_by=actor,
            )
    except IntegrityError:
        existing = _existing_by_reference(method, external_ref)
        if existing is None:
            raise
        raise _duplicate(existing, actor) from None
    if document:
        payment.document.save(document.name, document, save=True)
    if applied > 0:
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=applied)
    if provider is not None:
        provider(actor=actor, payment=payment, invoice=invoice, reference=(reference or "").strip())
    _ledger(uuid.uuid4(), payment, cash=amount, invoice_parts=[(invoice, applied)], advance=excess)
    recompute_invoice(invoice)
    audit(actor=actor, action="payment.register", obj=payment,
          after={"invoice": invoice.number, "amount": str(amount), "advance": str(excess), "method": method,
                 "external_ref": external_ref})
    emit("billing.payment_registered", payment_id=payment.pk, invoice_id=invoice.pk,
         contract_id=invoice.contract_id, amount=str(amount), method=method)
    payment.replayed = False
    return payment


@transaction.atomic
def payment_attach_document(*, actor, payment: Payment, document) -> Payment:
    """Attach (or replace) the scan of the payment document: a receipt, a payment order."""
    ensure(actor, perms.ADD_PAYMENT)
    payment = Payment.objects.select_for_update().select_related("contract").get(pk=payment.pk)
    ensure_contract_scope(actor, payment.contract)
    check_document(document)
    before = payment.document.name or None
    payment.document.save(document.name, document, save=False)
    payment.save(update_fields=["document", "updated_at"])
    audit(actor=actor, action="payment.document", obj=payment, before=before, after=payment.document.name)
    return payment


@transaction.atomic
def advance_apply(*, actor, invoice: Invoice) -> Decimal:
    """Credit the contract's advance to an open invoice (oldest advance first). Returns the amount credited."""
    ensure(actor, perms.ADD_PAYMENT)
    invoice = Invoice.objects.select_for_update().select_related("contract").get(pk=invoice.pk)
    ensure_contract_scope(actor, invoice.contract)
    if not invoice.is_open:
        raise DomainError("invoice_not_open", _("Счёт %(number)s не ожидает оплаты.") % {"number": invoice.number})
    # Only a payment accepted with an advance can hold unallocated money.
    payments = list(Payment.objects.select_for_update()
                    .filter(contract_id=invoice.contract_id, advance_amount__gt=0).order_by("paid_at", "id"))
    due = invoice.amount - invoice.paid_amount
    credited = ZERO
    for payment in payments:
        if due <= 0:
            break
        free = payment_unallocated(payment)
        if free <= 0:
            continue
        part = min(free, due)
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=part)
        _ledger(uuid.uuid4(), payment, invoice_parts=[(invoice, part)], advance=-part)
        due -= part
        credited += part
    if credited == 0:
        raise DomainError("no_advance", _("По договору %(number)s нет аванса, который можно зачесть.")
                          % {"number": invoice.contract.number})
    recompute_invoice(invoice)
    audit(actor=actor, action="invoice.advance_apply", obj=invoice, after={"amount": str(credited)})
    emit("billing.advance_applied", invoice_id=invoice.pk, contract_id=invoice.contract_id, amount=str(credited))
    return credited


@transaction.atomic
def payment_refund(*, actor, payment: Payment, amount, reason: str,
                   refunded_at: datetime.datetime | None = None) -> Refund:
    """Return money of a payment to the client (a termination, a mistake). The advance is returned first,
    then what the payment paid on invoices, newest invoice first; those invoices go back to
    partially paid / issued. Never more than what is left of the payment."""
    ensure(actor, perms.REFUND_PAYMENT)
    amount = to_money(amount)
    reason = (reason or "").strip()
    if not reason:
        message = _("Укажите основание возврата.")
        raise DomainError("reason_required", message, fields={"reason": message})
    # Lock order everywhere: invoices (by id), then payments.
    invoice_ids = sorted(set(PaymentAllocation.objects.filter(payment_id=payment.pk)
                             .values_list("invoice_id", flat=True)))
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(pk__in=invoice_ids).order_by("pk")}
    payment = Payment.objects.select_for_update().select_related("contract").get(pk=payment.pk)
    ensure_contract_scope(actor, payment.contract)
    refundable = payment.amount - payment.refunded_amount
    if amount > refundable:
        message = _("Вернуть можно не больше %(left)s: столько осталось от этого платежа.") % {
            "left": format_rub(refundable)}
        raise DomainError("refund_exceeds_paid", message, fields={"amount": message})

    refund = Refund.objects.create(payment=payment, amount=amount, reason=reason[:300],
                                   refunded_at=refunded_at or timezone.now(), created_by=actor)
    from_advance = min(amount, payment_unallocated(payment))
    rest = amount - from_advance
    parts = []
    per_invoice = (PaymentAllocation.objects.filter(payment=payment).values("invoice_id")
                   .annotate(s=Sum("amount")).order_by("-invoice_id"))
    for row in per_invoice:
        if rest <= 0:
            break
        part = min(rest, money_sum(row["s"]))
        if part <= 0:
            continue
        invoice = invoices.get(row["invoice_id"]) or Invoice.objects.select_for_update().get(pk=row["invoice_id"])
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=-part, refund=refund)
        parts.append((invoice, -part))
        rest -= part
    if rest != 0:
        raise AssertionError("refund could not be allocated")
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount", "updated_at"])
    _ledger(uuid.uuid4(), payment, cash=-amount, invoice_parts=parts, advance=-from_advance, refund=refund)
    for invoice, _part in parts:
        recompute_invoice(invoice)
    restore = method_refund_provider(payment.method)
    if restore is not None:  # a certificate or bonuses: the refund goes back onto them, not to the client's hand
        restore(actor=actor, payment=payment, refund=refund)
    audit(actor=actor, action="payment.refund", obj=payment,
          after={"amount": str(amount), "reason": refund.reason, "from_advance": str(from_advance)})
    emit("billing.payment_refunded", payment_id=payment.pk, refund_id=refund.pk, contract_id=payment.contract_id,
         amount=str(amount))
    return refund


@transaction.atomic
def contract_refund(*, actor, contract, amount, reason: str) -> list[Refund]:
    """Return `amount` to the client across the contract's payments, newest payment first (a termination's
    refund = paid − accepted work). Refused when it exceeds what the client has paid net of refunds."""
    ensure(actor, perms.REFUND_PAYMENT)
    ensure_contract_scope(actor, contract)
    amount = to_money(amount)
    payments = list(Payment.objects.filter(contract=contract).order_by("-paid_at", "-id"))
    left_total = sum((p.amount - p.refunded_amount for p in payments), ZERO)
    if amount > left_total:
        message = _("Вернуть можно не больше %(left)s: столько клиент оплатил по договору за вычетом возвратов.") % {
            "left": format_rub(left_total)}
        raise DomainError("refund_exceeds_paid", message, fields={"amount": message})
    refunds, rest = [], amount
    for payment in payments:
        if rest <= 0:
            break
        part = min(rest, payment.amount - payment.refunded_amount)
        if part <= 0:
            continue
        refunds.append(payment_refund(actor=actor, payment=payment, amount=part, reason=reason))
        rest -= part
    return refunds
