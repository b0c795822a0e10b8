"""Bonuses accrued automatically on events (hooks.DOC_EVENTS → finance.handlers_bonuses): a payment made on or
before its invoice's due date, a recommended lead whose contract is signed. Each accrual is made once per
payment (or referral) and rule group, so a handler run twice adds nothing."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.money import KOPECK
from legal_crm.directory.selectors import counterparty_list_visible_to
from legal_crm.leads.selectors import lead_list_visible_to

from .. import perms
from ..models import BonusEntry, BonusRule, ClientReferral
from .bonuses import bonus_accrue

# Money that is not money: a payment with bonuses or a certificate earns nothing.
NOT_EARNING = ("bonus", "certificate")


def _rule_amount(rule: BonusRule, base: Decimal) -> Decimal:
    return (base * rule.percent / 100 + rule.amount).quantize(KOPECK, rounding=ROUND_HALF_UP)


def accrue_for_payment_on_time(payment) -> list[BonusEntry]:
    """Cashback/promotion for a payment made by its invoice's due date (the office's local day)."""
    if payment.method in NOT_EARNING:
        return []
    paid_on = payment.paid_at.astimezone(payment.contract.office.tz).date()  # the office's own day
    if paid_on > payment.invoice.due_date:
        return []
    made = []
    for rule in BonusRule.objects.filter(event=BonusRule.Event.PAYMENT_ON_TIME, is_active=True).order_by("id"):
        if BonusEntry.objects.filter(payment=payment, kind=BonusEntry.Kind.ACCRUAL, account__group=rule.group).exists():
            continue
        amount = _rule_amount(rule, payment.amount)
        if amount <= 0:
            continue
        made.append(bonus_accrue(
            actor=None, client=payment.contract.client, group=rule.group, amount=amount, payment=payment,
            expires_on=paid_on + datetime.timedelta(days=rule.valid_days),
            reason=_("Оплата счёта %(invoice)s в срок") % {"invoice": payment.invoice.number}))
    return made


def accrue_for_referral(contract) -> list[BonusEntry]:
    """The recommending client's bonus when the recommended lead's contract is signed (once per referral)."""
    if not contract.lead_id:
        return []
    with transaction.atomic():
        referral = ClientReferral.objects.select_for_update().filter(lead_id=contract.lead_id).first()
        if referral is None or referral.reward_id or referral.referrer_id == contract.client_id:
            return []
        made = []
        for rule in BonusRule.objects.filter(event=BonusRule.Event.REFERRAL_SIGNED, is_active=True).order_by("id"):
            if rule.amount <= 0:
                continue
            made.append(bonus_accrue(
                actor=None, client=referral.referrer, group=rule.group, amount=rule.amount,
                expires_on=timezone.localdate() + datetime.timedelta(days=rule.valid_days),
                reason=_("Рекомендация: договор %(number)s подписан") % {"number": contract.number}))
        if made:
            referral.reward = made[0]
            referral.save(update_fields=["reward"])
        return made


@transaction.atomic
def referral_record(*, actor, lead, referrer) -> ClientReferral:
    """Note who recommended the lead (a client card the actor sees)."""
    ensure(actor, perms.ADD_CLIENTREFERRAL)
    if not lead_list_visible_to(actor).filter(pk=lead.pk).exists():
        raise DomainError("access_denied", _("Этот лид вам недоступен."))
    if not counterparty_list_visible_to(actor).filter(pk=referrer.pk).exists():
        message = _("Выберите клиента из доступных вам.")
        raise DomainError("unknown_client", message, fields={"referrer": message})
    if lead.client_id and lead.client_id == referrer.pk:
        message = _("Клиент не может рекомендовать сам себя.")
        raise DomainError("referral_self", message, fields={"referrer": message})
    if ClientReferral.objects.filter(lead=lead).exists():
        message = _("У этого лида рекомендатель уже указан.")
        raise DomainError("referral_exists", message, fields={"lead": message})
    referral = ClientReferral.objects.create(lead=lead, referrer=referrer,
                                             created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor=actor, action="bonus.referral", obj=referral, after={"lead": lead.pk, "referrer": referrer.pk})
    return referral
