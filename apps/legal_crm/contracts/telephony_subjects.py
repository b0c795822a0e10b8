"""What contracts answer telephony (hooks.TELEPHONY_*): the contract card's «Позвонить» (the client's phone) and
whether a user sees a call's contract."""

from __future__ import annotations

from .selectors import contract_list_visible_to


def contract_subject(pk: int, user) -> dict | None:
    contract = contract_list_visible_to(user).filter(pk=pk).select_related("client").first()
    if contract is None or not contract.client.phone:
        return None
    return {"phone": contract.client.phone, "office_id": contract.office_id, "lead_id": contract.lead_id,
            "counterparty_id": contract.client_id, "contract_id": contract.pk}


def call_access(call, user) -> bool | None:
    if call.contract_id is None:
        return None
    return contract_list_visible_to(user).filter(pk=call.contract_id).exists()
