"""The portal reacts to other modules' events (hooks.DOC_EVENTS)."""

from __future__ import annotations

from legal_crm.contracts.models import Contract

from .services.access import account_open


def open_access_on_signing(*, contract_id: int, **_payload) -> None:
    """contracts.contract_signed: the client gets (or gets back) the portal and an SMS invitation. Idempotent: an
    open account is left as it is and invited once."""
    contract = Contract.objects.select_related("client", "office").filter(pk=contract_id).first()
    if contract is not None:
        account_open(actor=None, client=contract.client, office=contract.office)
