"""Agents' payouts: accrued on their clients' payments (billing.payment_registered) by the partner's rule,
reversed on refunds (billing.payment_refunded), then approved and paid by finance. Handlers are idempotent (one
row per payment / refund key); transitions lock the rows and move only those in the expected status."""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legal_crm.core.audit import audit
from legal_crm.core.errors import DomainError
from legal_crm.core.guard import ensure
from legal_crm.core.money import KOPECK
from legal_crm.org.selectors import office_ids_visible_to

from .. import perms
from ..models import AgentAccrual, AgentRule

NOT_MONEY = ("bonus", "certificate")  # no agent earns on bonuses and certificates


def _rule_for(contract) -> AgentRule | None:
    partner_id = getattr(contract.lead, "partner_id", None) if contract.lead_id else None
    if partner_id is None:
        return None
    return AgentRule.objects.filter(partner_id=partner_id, is_active=True).first()


def _create(**fields) -> AgentAccrual | None:
    try:
        with transaction.atomic():
            return AgentAccrual.objects.create(**fields)
    except IntegrityError:  # the same event handled again
        return None


def accrue_on_payment(payment) -> AgentAccrual | None:
    if payment.method in NOT_MONEY:
        return None
    rule = _rule_for(payment.contract)
    if rule is None:
        return None
    amount = (payment.amount * rule.percent / 100).quantize(KOPECK, rounding=ROUND_HALF_UP)
    if amount <= 0:
        return None
    return _create(key=f"p{payment.pk}", partner_id=rule.partner_id, contract_id=payment.contract_id,
                   payment=payment, base=payment.amount, amount=amount)


def reverse_on_refund(refund) -> AgentAccrual | None:
    """The agent's share of a refunded amount is taken back: a negative accrual (paid out with the next ones)."""
    original = AgentAccrual.objects.filter(key=f"p{refund.payment_id}").first()
    if original is None:
        return None
    amount = (original.amount * refund.amount / original.base).quantize(KOPECK, rounding=ROUND_HALF_UP)
    if amount <= 0:
        return None
    return _create(key=f"r{refund.pk}", partner_id=original.partner_id, contract_id=original.contract_id,
                   payment_id=refund.payment_id, refund=refund, base=-refund.amount, amount=-amount)


TRANSITIONS = {
    "approve": (AgentAccrual.Status.ACCRUED, AgentAccrual.Status.APPROVED, perms.APPROVE_AGENTACCRUAL),
    "pay": (AgentAccrual.Status.APPROVED, AgentAccrual.Status.PAID, perms.PAY_AGENTACCRUAL),
}


@transaction.atomic
def agent_accruals_move(*, actor, ids, action: str) -> int:
    """Approve accrued, or pay approved, accruals of the actor's offices. All or nothing: a row in another
    status is refused with its number."""
    source, target, perm = TRANSITIONS[action]
    ensure(actor, perm)
    rows = AgentAccrual.objects.select_for_update().filter(pk__in=list(ids)).select_related("contract")
    office_ids = office_ids_visible_to(actor)
    rows = list(rows.order_by("id"))
    if not rows:
        raise DomainError("not_found", _("Выберите начисления."))
    for row in rows:
        if office_ids is not None and row.contract.office_id not in office_ids:
            raise DomainError("access_denied", _("Договор %(number)s вам недоступен.") % {
                "number": row.contract.number})
        if row.status != source:
            raise DomainError("agent_accrual_status", _(
                "Начисление №%(id)s уже в статусе «%(status)s» — ничего не изменено.") % {
                "id": row.pk, "status": row.get_status_display()})
    now = timezone.now()
    fields = ({"approved_by": actor, "approved_at": now} if target == AgentAccrual.Status.APPROVED
              else {"paid_by": actor, "paid_at": now})
    AgentAccrual.objects.filter(pk__in=[r.pk for r in rows]).update(status=target, updated_at=now, **fields)
    for row in rows:
        audit(actor=actor, action=f"agent.{action}", obj=row, after={"status": target, "amount": str(row.amount)})
    return len(rows)
