"""Event handlers (hooks.DOC_EVENTS) of the contracts module."""

from __future__ import annotations

from django.db import transaction

from legal_crm.core.audit import audit
from legal_crm.directory.models import Counterparty

from .models import BankruptcyCase, Contract, Creditor


@transaction.atomic
def on_clients_merged(*, survivor_id: int, merged_id: int, merge_id: int | None = None, **_payload) -> None:
    """Two client cards were merged: the duplicate's contracts (and any case naming it) now point at the survivor.
    Idempotent: a second run finds nothing left on the duplicate."""
    contract_ids = list(Contract.objects.filter(client_id=merged_id).values_list("pk", flat=True))
    Contract.objects.filter(pk__in=contract_ids).update(client_id=survivor_id)
    creditors = Creditor.objects.filter(counterparty_id=merged_id).update(counterparty_id=survivor_id)
    courts = BankruptcyCase.objects.filter(court_id=merged_id).update(court_id=survivor_id)
    if contract_ids or creditors or courts:
        audit(actor=None, action="contracts.clients_merged", obj=Counterparty.objects.get(pk=survivor_id), after={
            "survivor": survivor_id, "merged": merged_id, "merge": merge_id, "contracts": contract_ids,
            "creditors": creditors, "courts": courts})
