"""Certificates: issued (sold or given) for an amount, redeemed once or in parts as a payment in billing.

Redemption runs inside billing's payment registration (hooks.PAYMENT_METHOD_PROVIDERS → payment_methods.py):
the certificate row is locked, so two payments with one certificate at once cannot both spend its balance, and
any refusal rolls the whole payment back."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money
from legal_crm.core.guard import ensure
from legal_crm.core.money import money_or_domain_error

from .. import perms
from ..models import Certificate, CertificateRedemption
from .common import ensure_office

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def normalize_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def _new_number() -> str:
    while True:
        raw = "".join(secrets.choice(NUMBER_ALPHABET) for _i in range(8))
        number = f"С-{raw[:4]}-{raw[4:]}"
        if not Certificate.objects.filter(number=number).exists():
            return number


@transaction.atomic
def certificate_issue(*, actor, office, amount, valid_until: datetime.date, valid_from: datetime.date | None = None,
                      kind: str = Certificate.Kind.SOLD, client=None, service=None, number: str = "") -> Certificate:
    ensure(actor, perms.ADD_CERTIFICATE, system_ok=True)
    ensure_office(actor, office)
    amount = money_or_domain_error(amount, "amount", allow_zero=False)
    valid_from = valid_from or timezone.localdate()
    if valid_until < valid_from:
        message = _("Срок действия кончается раньше, чем начинается.")
        raise DomainError("certificate_validity", message, fields={"valid_until": message})
    number = normalize_number(number) or _new_number()
    if Certificate.objects.filter(number=number).exists():
        message = _("Сертификат с номером %(number)s уже выпущен.") % {"number": number}
        raise DomainError("invalid", message, fields={"number": message})
    certificate = Certificate.objects.create(
        number=number, office=office, kind=kind, amount=amount, balance=amount, client=client, service=service,
        valid_from=valid_from, valid_until=valid_until, created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="certificate.issue", obj=certificate,
          after={"number": number, "amount": str(amount), "valid_until": valid_until.isoformat()})
    emit("finance.certificate_issued", certificate_id=certificate.pk)
    return certificate


@transaction.atomic
def certificate_cancel(*, actor, certificate: Certificate, reason: str) -> Certificate:
    ensure(actor, perms.CHANGE_CERTIFICATE)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    ensure_office(actor, certificate.office)
    reason = (reason or "").strip()
    if not reason:
        message = _("Укажите причину аннулирования.")
        raise DomainError("reason_required", message, fields={"reason": message})
    if certificate.status == Certificate.Status.CANCELLED:
        return certificate
    certificate.status = Certificate.Status.CANCELLED
    certificate.cancel_reason = reason[:300]
    certificate.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit(actor=actor, action="certificate.cancel", obj=certificate, after={"reason": certificate.cancel_reason})
    return certificate


def certificate_redeem(*, actor, payment, invoice, reference: str) -> CertificateRedemption:
    """Spend `payment.amount` of the certificate numbered `reference` on the payment. Runs in billing's
    payment transaction; refuses (DomainError) a certificate unknown, cancelled, out of validity, spent, of
    another client or service, or short of the amount."""
    number = normalize_number(reference)
    if not number:
        message = _("Укажите номер сертификата.")
        raise DomainError("certificate_not_found", message, fields={"reference": message})
    certificate = Certificate.objects.select_for_update().filter(number=number).first()
    if certificate is None:
        message = _("Сертификат %(number)s не найден.") % {"number": number}
        raise DomainError("certificate_not_found", message, fields={"reference": message})
    contract = invoice.contract
    day = timezone.localtime(payment.paid_at).date()
    words = {"number": number, "start": f"{certificate.valid_from:%d.%m.%Y}",
             "end": f"{certificate.valid_until:%d.%m.%Y}", "service": certificate.service,
             "balance": format_money(certificate.balance)}

    def field(text: str) -> dict:
        return {"reference": text % words}

    if certificate.status == Certificate.Status.CANCELLED:
        text = _("Сертификат %(number)s аннулирован.")
        raise DomainError("certificate_cancelled", text % words, fields=field(text))
    if certificate.balance <= 0:
        text = _("Сертификат %(number)s уже использован полностью.")
        raise DomainError("certificate_used", text % words, fields=field(text))
    if not certificate.valid_from <= day <= certificate.valid_until:
        text = _("Сертификат %(number)s действует с %(start)s по %(end)s.")
        raise DomainError("certificate_expired", text % words, fields=field(text))
    if certificate.client_id and certificate.client_id != contract.client_id:
        text = _("Сертификат %(number)s выписан на другого клиента.")
        raise DomainError("certificate_other_client", text % words, fields=field(text))
    if certificate.service_id and certificate.service_id != contract.service_id:
        text = _("Сертификат %(number)s — на другую услугу: %(service)s.")
        raise DomainError("certificate_other_service", text % words, fields=field(text))
    if payment.amount > certificate.balance:
        text = _("На сертификате %(number)s осталось %(balance)s — меньше суммы оплаты.")
        raise DomainError("certificate_insufficient", text % words, fields=field(text))
    certificate.balance -= payment.amount
    if certificate.balance == 0:
        certificate.status = Certificate.Status.USED
    certificate.save(update_fields=["balance", "status", "updated_at"])
    redemption = CertificateRedemption.objects.create(certificate=certificate, payment=payment,
                                                      amount=payment.amount)
    audit(actor=actor, action="certificate.redeem", obj=certificate,
          after={"payment": payment.pk, "amount": str(payment.amount), "balance": str(certificate.balance)})
    emit("finance.certificate_redeemed", certificate_id=certificate.pk, payment_id=payment.pk,
         amount=str(payment.amount))
    return redemption


def certificate_restore(*, actor, payment, refund) -> None:
    """A refund of a certificate payment returns the amount onto the certificate (billing's refund transaction)."""
    redemption = CertificateRedemption.objects.filter(payment=payment).first()
    if redemption is None:
        return
    certificate = Certificate.objects.select_for_update().get(pk=redemption.certificate_id)
    certificate.balance = min(certificate.amount, certificate.balance + refund.amount)
    if certificate.status == Certificate.Status.USED and certificate.balance > 0:
        certificate.status = Certificate.Status.ACTIVE
    certificate.save(update_fields=["balance", "status", "updated_at"])
    audit(actor=actor, action="certificate.restore", obj=certificate,
          after={"refund": refund.pk, "amount": str(refund.amount), "balance": str(certificate.balance)})
