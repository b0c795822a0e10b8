"""Message tags answered by contracts (hooks.MESSAGE_TAGS): which contract a recipient's message is about, and its
number. Bulk: two queries for any number of recipients."""

from __future__ import annotations

from django.db.models import Q

from .models import Contract

# Which of a client's (or lead's) contracts a message speaks of when the recipient names none: one being worked on
# first, then a finished one, a draft, a terminated one; the newest within each.
_RANK = {Contract.Status.IN_WORK: 0, Contract.Status.SIGNED: 0, Contract.Status.COMPLETED: 1,
         Contract.Status.DRAFT: 2, Contract.Status.TERMINATED: 3}


def contract_ids_for(recipients) -> list[int | None]:
    """The contract each recipient's message is about: its own contract_id, else its client's or lead's."""
    clients = {r.counterparty_id for r in recipients if not r.contract_id and r.counterparty_id}
    leads = {r.lead_id for r in recipients if not r.contract_id and not r.counterparty_id and r.lead_id}
    best_by_client: dict[int, tuple] = {}
    best_by_lead: dict[int, tuple] = {}
    if clients or leads:
        rows = Contract.objects.filter(Q(client_id__in=clients) | Q(lead_id__in=leads)).values_list(
            "id", "client_id", "lead_id", "status")
        for pk, client_id, lead_id, status in rows:
            key = (_RANK.get(status, 9), -pk)
            for table, owner in ((best_by_client, client_id if client_id in clients else None),
                                 (best_by_lead, lead_id if lead_id in leads else None)):
                if owner is not None and (owner not in table or key < table[owner][0]):
                    table[owner] = (key, pk)
    out = []
    for r in recipients:
        if r.contract_id:
            out.append(r.contract_id)
        elif r.counterparty_id:
            out.append(best_by_client.get(r.counterparty_id, (None, None))[1])
        elif r.lead_id:
            out.append(best_by_lead.get(r.lead_id, (None, None))[1])
        else:
            out.append(None)
    return out


def contract_number(recipients) -> dict[int, str]:
    ids = contract_ids_for(recipients)
    wanted = {pk for pk in ids if pk}
    numbers = dict(Contract.objects.filter(pk__in=wanted).values_list("id", "number")) if wanted else {}
    return {index: numbers.get(pk, "") for index, pk in enumerate(ids)}
