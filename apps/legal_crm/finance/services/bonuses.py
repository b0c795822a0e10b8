"""Client bonuses: accrued with an expiry, spent on invoices (a payment method in billing) within a limit,
written off when they expire.

Spending locks the client's bonus accounts (in id order) inside billing's payment transaction: two payments
with one bonus balance at once take turns, and the second sees what the first left."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.events import emit
from legal_crm.core.formatting import format_money
from legal_crm.core.guard import ensure
from legal_crm.core.money import KOPECK, money_or_domain_error

from .. import perms
from ..models import BonusAccount, BonusEntry, BonusGroup

ZERO = Decimal("0.00")


def max_share() -> Decimal:
    """The part of an invoice bonuses may pay (FINANCE_BONUS_MAX_SHARE, 0.5 = half)."""
    return Decimal(str(getattr(settings, "FINANCE_BONUS_MAX_SHARE", "0.5")))


def _live_accruals(account_ids, day: datetime.date):
    kinds = (BonusEntry.Kind.ACCRUAL, BonusEntry.Kind.RETURN)  # a returned payment is spendable again
    return (BonusEntry.objects.filter(account_id__in=account_ids, kind__in=kinds, remaining__gt=0)
            .exclude(expires_on__lt=day))


def bonus_available(client, *, day: datetime.date | None = None) -> Decimal:
    """What the client may spend on `day`: the unexpired rest of their accruals in both groups."""
    day = day or timezone.localdate()
    ids = BonusAccount.objects.filter(client=client).values_list("id", flat=True)
    return Decimal(_live_accruals(ids, day).aggregate(s=Sum("remaining"))["s"] or 0).quantize(KOPECK)


@transaction.atomic
def bonus_accrue(*, actor, client, group: str, amount, expires_on: datetime.date | None, reason: str,
                 payment=None) -> BonusEntry:
    ensure(actor, perms.ACCRUE_BONUS, system_ok=True)
    amount = money_or_domain_error(amount, "amount", allow_zero=False)
    if group not in BonusGroup.values:
        raise DomainError("invalid", _("Неизвестная группа бонусов."), fields={"group": _("Выберите группу.")})
    reason = (reason or "").strip()
    if not reason:
        message = _("Укажите основание начисления.")
        raise DomainError("reason_required", message, fields={"reason": message})
    account, _created = BonusAccount.objects.get_or_create(client=client, group=group)
    account = BonusAccount.objects.select_for_update().get(pk=account.pk)
    entry = BonusEntry.objects.create(account=account, kind=BonusEntry.Kind.ACCRUAL, amount=amount,
                                      remaining=amount, expires_on=expires_on, reason=reason[:300], payment=payment,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    BonusAccount.objects.filter(pk=account.pk).update(balance=F("balance") + amount, updated_at=timezone.now())
    audit(actor=actor, action="bonus.accrue", obj=account,
          after={"amount": str(amount), "group": group, "expires_on": expires_on.isoformat() if expires_on else None})
    emit("finance.bonus_accrued", account_id=account.pk, entry_id=entry.pk, amount=str(amount))
    return entry


def bonuses_spend(*, actor, payment, invoice, reference: str = "") -> list[BonusEntry]:
    """Pay `payment.amount` of `invoice` with the client's bonuses (the ones that expire first go first).
    Runs in billing's payment transaction. Refused: the contract is not active, the invoice's bonus limit
    is reached, the balance is short. `reference` may name one group (cashback / promotion)."""
    from legal_crm.billing.selectors import invoice_paid_by_method
    from legal_crm.contracts.models import Contract

    contract = invoice.contract
    if contract.status not in (Contract.Status.SIGNED, Contract.Status.IN_WORK):
        raise DomainError("bonus_contract_inactive", _("Бонусами платят только по действующим договорам."))
    limit = (invoice.amount * max_share()).quantize(KOPECK)
    already = invoice_paid_by_method(invoice, "bonus", exclude_payment=payment)
    if already + payment.amount > limit:
        message = _("Бонусами можно оплатить не больше %(limit)s по этому счёту; уже оплачено %(already)s.") % {
            "limit": format_money(limit), "already": format_money(already)}
        raise DomainError("bonus_limit", message, fields={"amount": message})
    groups = [reference] if reference in BonusGroup.values else list(BonusGroup.values)
    accounts = list(BonusAccount.objects.select_for_update().filter(client_id=contract.client_id, group__in=groups)
                    .order_by("id"))
    day = timezone.localtime(payment.paid_at).date()
    accruals = list(_live_accruals([a.pk for a in accounts], day).select_for_update()
                    .order_by(F("expires_on").asc(nulls_last=True), "id"))
    available = sum((a.remaining for a in accruals), ZERO)
    if payment.amount > available:
        message = _("У клиента %(available)s бонусов — меньше суммы оплаты %(amount)s.") % {
            "available": format_money(available, currency=False), "amount": format_money(payment.amount)}
        raise DomainError("bonus_insufficient", message, fields={"amount": message})
    rest, per_account = payment.amount, {}
    for accrual in accruals:
        if rest <= 0:
            break
        part = min(rest, accrual.remaining)
        accrual.remaining -= part
        accrual.save(update_fields=["remaining"])
        per_account[accrual.account_id] = per_account.get(accrual.account_id, ZERO) + part
        rest -= part
    entries = []
    for account in accounts:
        spent = per_account.get(account.pk)
        if not spent:
            continue
        entries.append(BonusEntry.objects.create(
            account=account, kind=BonusEntry.Kind.SPEND, amount=-spent, payment=payment,
            reason=_("Оплата счёта %(number)s") % {"number": invoice.number},
            created_by=actor if getattr(actor, "pk", None) else None))
        BonusAccount.objects.filter(pk=account.pk).update(balance=F("balance") - spent, updated_at=timezone.now())
        audit(actor=actor, action="bonus.spend", obj=account, after={"payment": payment.pk, "amount": str(spent)})
    emit("finance.bonuses_spent", payment_id=payment.pk, amount=str(payment.amount))
    return entries


def bonuses_expire(today: datetime.date | None = None) -> dict:
    """Write off what is left of accruals past their expiry (daily; a second run finds nothing left)."""
    today = today or timezone.localdate()
    ids = list(BonusEntry.objects.filter(kind=BonusEntry.Kind.ACCRUAL, remaining__gt=0, expires_on__lt=today)
               .values_list("id", flat=True))
    expired = 0
    for entry_id in ids:
        with transaction.atomic():
            entry = BonusEntry.objects.select_related("account").get(pk=entry_id)
            account = BonusAccount.objects.select_for_update().get(pk=entry.account_id)
            entry = BonusEntry.objects.select_for_update().get(pk=entry_id)
            if entry.remaining <= 0:
                continue
            left = entry.remaining
            entry.remaining = ZERO
            entry.save(update_fields=["remaining"])
            BonusEntry.objects.create(account=account, kind=BonusEntry.Kind.EXPIRY, amount=-left,
                                      reason=_("Срок бонусов истёк %(date)s") % {"date": f"{entry.expires_on:%d.%m.%Y}"})
            BonusAccount.objects.filter(pk=account.pk).update(balance=F("balance") - left, updated_at=timezone.now())
            expired += 1
    return {"expired": expired}


def bonuses_restore(*, actor, payment, refund) -> list[BonusEntry]:
    """A refund of a bonus payment returns the amount to the accounts it was spent from (billing's refund
    transaction), as a return entry that can be spent again without expiry."""
    spends = list(BonusEntry.objects.filter(payment=payment, kind=BonusEntry.Kind.SPEND).order_by("account_id"))
    if not spends:
        return []
    accounts = {a.pk: a for a in BonusAccount.objects.select_for_update()
                .filter(pk__in=[e.account_id for e in spends]).order_by("id")}
    returned = {row["account_id"]: row["s"] for row in BonusEntry.objects.filter(
        payment=payment, kind=BonusEntry.Kind.RETURN).values("account_id").annotate(s=Sum("amount"))}
    rest, entries = refund.amount, []
    for spend in spends:
        room = -spend.amount - Decimal(returned.get(spend.account_id) or 0)
        part = min(rest, room)
        if part <= 0:
            continue
        entries.append(BonusEntry.objects.create(
            account=accounts[spend.account_id], kind=BonusEntry.Kind.RETURN, amount=part, remaining=part,
            payment=payment, reason=_("Возврат оплаты: %(reason)s") % {"reason": refund.reason},
            created_by=actor if getattr(actor, "pk", None) else None))
        BonusAccount.objects.filter(pk=spend.account_id).update(balance=F("balance") + part, updated_at=timezone.now())
        audit(actor=actor, action="bonus.restore", obj=accounts[spend.account_id],
              after={"refund": refund.pk, "amount": str(part)})
        rest -= part
    return entries
