"""Staff notifications of contracts: a contract signed in my office (its office heads: those who decide
terminations there)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from legal_crm.core.auth_backends import users_with_perm
from legal_crm.messaging.notifications.service import notify

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
